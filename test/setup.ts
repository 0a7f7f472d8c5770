// Runs before every test file (vitest.config.ts, setupFiles). The connectors' implementations
// are loaded on demand (src/connectors/registry.ts): a `weir` process imports the ones a
// script names before running it, and otherwise requires them synchronously, which needs the
// compiled .js files. Under vitest the sources are TypeScript, so tests that create tables
// without that first step (Session.executeScript) find every connector loaded here, as every
// process did before they were loaded lazily. test/cli/startup-modules.test.ts checks the lazy path.
import { CONNECTOR_MODULE_PATHS, loadConnectorModules } from '../src/connectors/registry.js';

await loadConnectorModules(Object.keys(CONNECTOR_MODULE_PATHS));
