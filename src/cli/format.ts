/** Human-readable renderings for the terminal (the `--json` forms are the machine ones). */
import type { ExecutionResult, ReasoningResult } from '../kernel/contracts.js';
import type { WireStatus } from '../http/wire.js';

const useColor = process.stdout.isTTY === true && !('NO_COLOR' in process.env);
const paint = (code: number) => (s: string) => (useColor ? `\u001b[${code}m${s}\u001b[0m` : s);
export const bold = paint(1);
export const dim = paint(2);
export const green = paint(32);
export const red = paint(31);
export const yellow = paint(33);
export const cyan = paint(36);

export function formatResult(r: ReasoningResult): string {
  const lines: string[] = [];
  lines.push(`${bold('Question')}  ${r.query}`);
  lines.push('');
  lines.push(bold('Stages'));
  for (const s of r.stages) {
    const mark = s.status === 'completed' ? green('✔') : s.status === 'failed' ? red('✘') : dim('·');
    const conf = s.status === 'completed' ? `confidence ${s.confidence.toFixed(3)}` : '';
    lines.push(`  ${mark} ${s.name.padEnd(11)} ${`${s.durationMs.toFixed(1)} ms`.padStart(10)}  ${dim(conf)}${s.error ? `  ${red(s.error)}` : ''}`);
  }
  lines.push('');
  if (r.declined) {
    lines.push(`${yellow('Declined')}  ${r.declined.reason}`);
  } else if (r.answer) {
    lines.push(`${bold('Answer')}    ${green(r.answer.text)}`);
    lines.push(`${bold('Value')}     ${r.answer.value}  ${dim(`(${r.answer.quantity})`)}`);
  } else {
    lines.push(red('No answer: see the failed stage above.'));
  }
  if (r.estimates.length > 0) {
    lines.push('');
    lines.push(bold('Estimates'));
    for (const e of r.estimates) {
      const [lo, hi] = e.interval;
      lines.push(`  ${e.name.padEnd(18)} mean ${fmt(e.mean)}  sd ${fmt(e.sd)}  ${Math.round(e.intervalMass * 100)}% interval [${fmt(lo)}, ${fmt(hi)}]  ${dim(e.description)}`);
    }
  }
  lines.push('');
  lines.push(`${bold('Confidence')} ${r.overallConfidence.toFixed(3)}   ${bold('Backend')} reasoning=${r.backend.reasoning} sandbox=${r.backend.sandbox}` +
    (r.execution ? ` isolation=${r.execution.metadata.isolation}${r.execution.metadata.fallback ? ' (fallback)' : ''}` : '') +
    `   ${bold('Total')} ${r.durationMs.toFixed(1)} ms`);
  return `${lines.join('\n')}\n`;
}

export function formatExecution(r: ExecutionResult): string {
  const lines: string[] = [];
  const color = r.status === 'completed' ? green : r.status === 'failed' ? yellow : red;
  lines.push(`${bold('Status')}    ${color(r.status)}  exit ${r.exitCode ?? '-'}  ${r.executionTime.toFixed(3)} s  cpu ${r.resourceUsage.cpuUsagePercent}%  peak ${r.resourceUsage.memoryUsageMb} MB`);
  lines.push(`${bold('Sandbox')}   ${r.metadata.sandboxType} (${r.metadata.isolation})${r.metadata.fallback ? ' fallback' : ''}${r.metadata.truncated ? ' output truncated' : ''}${r.metadata.reason ? `  ${r.metadata.reason}` : ''}`);
  if (r.violations?.length) {
    lines.push(bold('Violations'));
    for (const v of r.violations) lines.push(`  line ${v.line}:${v.column} [${v.rule}] ${v.message}`);
  }
  if (r.stdout) lines.push(bold('stdout'), r.stdout.replace(/\n$/, ''));
  if (r.stderr && !r.violations?.length) lines.push(bold('stderr'), r.stderr.replace(/\n$/, ''));
  return `${lines.join('\n')}\n`;
}

export function formatStatus(s: WireStatus): string {
  const lines = [
    `${s.indicator}`,
    `service_status   ${s.service_status}`,
    `sandbox          ${s.sandbox_type} (isolation: ${s.isolation})${s.sandbox_id ? ` id ${s.sandbox_id}` : ''}`,
    `api_key          ${s.api_key_configured ? 'configured' : 'not configured'}; daytona_available ${s.daytona_available}`,
  ];
  if (s.python_executable) lines.push(`python           ${s.python_executable} (${s.python_version_found ?? '?'})`);
  if (s.detail) lines.push(`detail           ${s.detail}`);
  if (s.state_store) lines.push(`state store      ${s.state_store.kind} ${s.state_store.ok ? 'ok' : `DOWN ${s.state_store.detail ?? ''}`}`);
  lines.push(`limits           cpu ${s.config.cpu_limit}, memory ${s.config.memory_limit_mb} MB, timeout ${s.config.execution_timeout} s, networking ${s.config.enable_networking ? 'on' : 'off'}, validation ${s.config.enable_ast_validation ? 'on' : 'off'}`);
  return `${lines.join('\n')}\n`;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(3) : x.toFixed(4);
}
