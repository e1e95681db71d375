import { definePlugin } from '@oort/sdk';
import { celsius } from './celsius.js';
import { geohashEncode } from './geohash-encode.js';
import { medianAbsDev } from './median-abs-dev.js';

export { celsius } from './celsius.js';
export { geohash, geohashEncode } from './geohash-encode.js';
export { medianAbsDev } from './median-abs-dev.js';

/** SQL functions `celsius`, `geohash_encode` (scalar) and `median_abs_dev` (aggregate). */
export default definePlugin({
  functions: { celsius, geohash_encode: geohashEncode, median_abs_dev: medianAbsDev },
});
