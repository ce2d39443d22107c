/** Node built-ins the browser build reaches only on paths it never takes (output directory staging). */
export const isMainThread = true;
export default { isMainThread };
