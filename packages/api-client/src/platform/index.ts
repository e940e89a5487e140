export { type BrowserPlatformOptions, createBrowserPlatform } from "./browser.ts";
export {
  createPlatform,
  type Platform,
  type PlatformDeps,
  type PreferencesStore,
  type RemoteAppProps,
} from "./platform.ts";
