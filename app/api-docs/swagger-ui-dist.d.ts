declare module 'swagger-ui-dist/swagger-ui-es-bundle.js' {
  /** The Swagger UI constructor (swagger-ui-dist ships no types). */
  const SwaggerUIBundle: (options: Record<string, unknown>) => unknown;
  export default SwaggerUIBundle;
}
