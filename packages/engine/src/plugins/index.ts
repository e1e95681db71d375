export { PluginManager, PLUGIN_TYPES, PLUGINS_NS } from './plugin-manager.js';
export type { PluginManagerOptions, PluginManagerConfig, PluginChange } from './plugin-manager.js';
export type { PluginRecord, PluginStatus, PortableStatus, HostStatus, HostState, Isolation, BackoffOptions } from './types.js';
export { checkSdkCompat, parseManifest, validatePluginName } from './manifest.js';
export type { PluginManifest } from './manifest.js';
export { satisfies, parseVersion, compareVersionText } from './semver.js';
export { COMMON_SINK_PROPS, sinkPropCollisions } from './sink-props.js';
export { readSourceConfFile } from './source-confs.js';
export type { SourceConfSections } from './source-confs.js';
