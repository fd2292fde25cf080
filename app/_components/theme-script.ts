/** localStorage key of the chosen colour theme (shared by the head script and the toggle). */
export const THEME_STORAGE_KEY = 'peerscope-theme';
