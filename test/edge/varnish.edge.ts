// README scenarios 1–5 through a real Varnish 7 (TTL from the origin, grace 0 s, keep 60 s, BAN by tag).

import { describeEdgeScenarios } from './edge-scenarios';
import { banTag, startVarnish } from './varnish-edge';

describeEdgeScenarios('varnish', startVarnish, banTag);
