// The registry functions test/unit/functions-collections.test.ts covers, case by case (the
// coverage test of functions.test.ts leaves them to it).
export const COLLECTION_FUNCTIONS = /^(element|array_(append|prepend|contains|position|remove|distinct|reverse|slice|sort|union|concat|except|intersect|max|min|join)|split|map_(keys|values|entries|from_arrays|union)|floor_time|ceil_time|convert_tz|unix_timestamp_now|similar_to|current_watermark)$/;
