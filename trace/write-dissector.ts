import { writeFileSync } from 'node:fs';
import { dissectorSource } from './dissector-source.js';

/* `npm run gen:dissector`: rewrites wireshark/wanemu.lua from the schema. */
writeFileSync(new URL('../../wireshark/wanemu.lua', import.meta.url), dissectorSource());
console.log('wrote wireshark/wanemu.lua');
