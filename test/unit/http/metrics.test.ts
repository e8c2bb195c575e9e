import { describe, expect, it } from 'vitest';
import { HttpMetrics } from '../../../src/http/metrics.js';
import { buildExecutionResult } from '../../helpers/fixtures.js';

describe('HttpMetrics', () => {
  it('renders counters, histograms and gauges in Prometheus text format', () => {
    const m = new HttpMetrics();
    m.recordExecution(buildExecutionResult({ executionTime: 0.02 }), 'execute');
    m.recordExecution(buildExecutionResult({ executionTime: 3, status: 'timeout', metadata: { fallback: true } }), 'execute');
    m.recordExecution(buildExecutionResult({ status: 'security_violation', executionTime: 0 }), 'batch');
    m.recordRequest('GET', '/api/v2/daytona/status', 200, 0.004);
    m.recordRequest('GET', 'a"b\\c\nd', 404, 0.001);
    const text = m.render({ inFlight: 2, inFlightLimit: 64 });
    expect(text).toContain('rk_executions_total{status="completed",sandbox_type="local",source="execute"} 1');
    expect(text).toContain('rk_executions_total{status="timeout",sandbox_type="local",source="execute"} 1');
    expect(text).toContain('rk_validation_refusals_total{source="batch"} 1');
    expect(text).toContain('rk_sandbox_fallbacks_total{source="execute"} 1');
    // Refused programs do not count in the duration histogram.
    expect(text).toContain('rk_execution_duration_seconds_count{sandbox_type="local"} 2');
    expect(text).toContain('rk_execution_duration_seconds_bucket{sandbox_type="local",le="0.025"} 1');
    expect(text).toContain('rk_execution_duration_seconds_bucket{sandbox_type="local",le="5"} 2');
    expect(text).toContain('rk_execution_duration_seconds_bucket{sandbox_type="local",le="+Inf"} 2');
    expect(text).toContain('rk_execution_duration_seconds_sum{sandbox_type="local"} 3.02');
    expect(text).toContain('route="a\\"b\\\\c\\nd"');
    expect(text).toContain('rk_http_in_flight_executions 2');
    expect(text).not.toContain('rk_execution_queue_depth');
    expect(text.endsWith('\n')).toBe(true);
  });
});
