/** The public path of an avatar: /api/avatars/<sha256>.png (content-addressed, so cacheable forever). */
export const avatarUrl = (sha256: string | null | undefined) => (sha256 ? `/api/avatars/${sha256}.png` : null);
