/** Any value JSON can carry; what every SIEM format builds, so `JSON.stringify` never drops or mangles a field. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object: the shape of one formatted SIEM event. */
export type JsonObject = { [key: string]: JsonValue };
