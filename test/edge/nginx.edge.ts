// README scenarios 1–4 through a real nginx (proxy_cache + proxy_cache_revalidate on).

import { describeEdgeScenarios } from './edge-scenarios';
import { startNginx } from './nginx-edge';

describeEdgeScenarios('nginx', startNginx);
