// Registers every scalar function (import for side effects).
import './operators.js';
import './strings.js';
import './strings-more.js';
import './hashes.js';
import './bytes.js';
import './conditionals.js';
import './math.js';
import './temporal.js';
import './collections.js';
import './similar-to.js';
import './watermark.js';
import './json.js';
import './proctime.js';
import '../udf.js';
