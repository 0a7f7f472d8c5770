import { QUERIES, verifyUpstream } from './nexmark-upstream.js';
verifyUpstream(QUERIES.filter((_, i) => i % 2 === 0));
