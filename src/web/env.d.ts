/** The installed @vladmandic/face-api version, set by vite.config.ts. */
declare const __FACE_API_VERSION__: string;
