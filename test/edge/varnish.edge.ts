// Issue 5 scenarios 1–4 through a real Varnish 7 (TTL from the origin, grace 0 s, keep 60 s).

import { describeEdgeScenarios } from './edge-scenarios';
import { startVarnish } from './varnish-edge';

describeEdgeScenarios('varnish', startVarnish);
