/**
 * The root Vitest config's global setup (vitest.config.ts): the harness's provisioning, with a
 * template database prepared for tasker (prepareTaskerTemplate).
 */
import { provisionGlobalSetup } from '@tasker/bench-kit/node';
import { prepareTaskerTemplate } from './prepareTaskerTemplate.ts';

export default provisionGlobalSetup({ prepareTemplate: prepareTaskerTemplate });
