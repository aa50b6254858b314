// Khmer. The structure is ready; the translations come later. Every key is typed against the English catalogue
// (a wrong key or a function with another signature fails to compile), and each missing key falls back to English.
import type { Messages } from './en.js';

export const km: Partial<Messages> = {
  'layout.language': 'ភាសា',
};
