/** The API versions this server negotiates (TAPI 1.3 to 3.0). */
export const API_LOW = 0x0001_0003;
export const API_HIGH = 0x0003_0000;
/** API 2.1: up to it, lineSetMediaMode takes one mode, or several only with UNKNOWN (ms-trp.md §2.4). */
export const API_2_1 = 0x0002_0001;
