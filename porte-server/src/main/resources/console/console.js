// porte console: plain JavaScript against the REST API (see /api/openapi.json). No build step.
'use strict';

const $ = (id) => document.getElementById(id);
const tokenInput = $('token');
tokenInput.value = sessionStorage.getItem('porte-token') || '';
tokenInput.addEventListener('change', () => sessionStorage.setItem('porte-token', tokenInput.value.trim()));

function say(text, kind) {
  const status = $('status');
  status.textContent = text;
  status.className = kind || '';
}

/** Calls the API; resolves with the JSON body, rejects with the API's error object. */
async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const token = tokenInput.value.trim();
  if (token && method !== 'GET') headers['Authorization'] = 'Bearer ' + token;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) throw json.error || { code: 'HTTP_' + response.status, message: response.statusText };
  return json;
}

function cell(row, text, cls) {
  const td = row.insertCell();
  td.textContent = text === null || text === undefined ? '' : String(text);
  if (cls) td.className = cls;
  return td;
}

function fillRules(tableId, rules) {
  const body = $(tableId).tBodies[0];
  body.replaceChildren();
  for (const rule of rules) {
    const row = body.insertRow();
    row.className = 'rule';
    cell(row, rule.line);
    cell(row, rule.action, rule.action);
    cell(row, rule.ports || 'every port');
    cell(row, rule.remotes || 'anywhere');
    cell(row, rule.priority);
    cell(row, rule.comment);
  }
  if (rules.length === 0) cell(body.insertRow(), 'no rules: the default applies to every port').colSpan = 6;
}

let lastDoors = [];
let lastConnections = [];

/** Draws the host as the seed does: its doors, who may come in, whether data may go out, who came. */
function drawDoors() {
  const host = $('doors');
  host.replaceChildren();
  if (lastDoors.length === 0) {
    host.textContent = 'No door stands open and no service is defined: every inbound port is closed.';
    return;
  }
  for (const d of lastDoors) {
    const door = document.createElement('div');
    const open = d.inbound === 'allow' || d.openTo.length > 0;
    door.className = 'door ' + (open ? 'open' : 'closed');
    const title = document.createElement('div');
    title.className = 'door-port';
    title.textContent = d.port + '/' + d.protocol;
    const what = document.createElement('div');
    what.className = 'door-service';
    what.textContent = d.service ? 'serves ' + d.service + (d.proxy ? ' (PROXY ' + d.proxy + ' header)' : '')
        + (d.idle ? ', idle ' + d.idle + ' allowed' : '')
        + (d.maxConnections ? ', at most ' + d.maxConnections + ' at once' : '')
        + (d.connectTimeout ? ', connect timeout ' + d.connectTimeout : '')
        + (d.retries !== null && d.retries !== undefined ? ', ' + d.retries + ' retries' : '')
        : 'no service behind it';
    const inbound = document.createElement('div');
    inbound.className = d.inbound === 'allow' ? 'allow' : (d.openTo.length ? 'partly' : d.inbound);
    inbound.textContent = d.inbound === 'allow' ? 'in: open to anyone'
        : d.openTo.length ? 'in: open to ' + d.openTo.join(', ') : 'in: ' + d.inbound + ' (' + d.decidedBy + ')';
    const outbound = document.createElement('div');
    if (d.repliesLeave !== null) {
      outbound.className = d.repliesLeave ? 'allow' : 'deny';
      outbound.textContent = d.repliesLeave ? 'out: replies leave' : 'out: replies blocked (' + d.repliesDecidedBy + ')';
    }
    const clients = document.createElement('div');
    clients.className = 'door-clients';
    const seen = lastConnections.filter((c) => c.port === d.port && c.protocol === d.protocol).slice(0, 5);
    for (const c of seen) {
      const chip = document.createElement('span');
      chip.className = 'chip ' + c.verdict;
      chip.textContent = c.client + ' ' + (c.verdict === 'allow' ? '✓' : '✗');
      chip.title = c.at + ' · ' + c.verdict + ' · ' + (c.rule || '') + ' · ' + c.bytesIn + '/' + c.bytesOut + ' bytes'
          + (c.ended ? ' · ' + c.ended.replaceAll('_', ' ') : '');
      clients.append(chip);
    }
    if (seen.length === 0) clients.textContent = 'no recent clients';
    // A door the policy opens but no one answers at: another program holds the port.
    const unserved = document.createElement('div');
    if (d.notServed && d.notServed.length) {
      door.classList.add('unserved');
      unserved.className = 'deny door-unserved';
      unserved.textContent = 'NOT SERVED: cannot listen on ' + d.notServed.join('; ');
      unserved.title = 'Free the port, then apply the policy again: the gateway retries at every apply.';
    }
    door.append(title, what, unserved, inbound, outbound, clients);
    host.append(door);
  }
}

async function loadPolicy(replaceText) {
  const current = await api('GET', '/api/policy');
  const p = current.policy;
  lastDoors = p.doors || [];
  drawDoors();
  $('summary').textContent = 'version ' + current.version + ' · inbound default ' + p.defaults.inbound
      + ' · outbound default ' + p.defaults.outbound + ' · replies ' + p.replies;
  fillRules('inbound-rules', p.inbound);
  fillRules('outbound-rules', p.outbound);
  if (replaceText || !$('editor').value) $('editor').value = current.text;
  showWarnings(current.warnings);
  return current;
}

async function loadHistory() {
  const { versions } = await api('GET', '/api/policy/versions');
  const body = $('versions').tBodies[0];
  body.replaceChildren();
  for (const v of versions) {
    const row = body.insertRow();
    cell(row, v.id + (v.current ? ' (in force)' : ''));
    cell(row, v.createdAt);
    cell(row, v.author);
    cell(row, v.message);
    cell(row, v.sha256.slice(0, 12));
    const button = document.createElement('button');
    button.textContent = 'apply';
    button.disabled = v.current;
    button.addEventListener('click', () => act(() => api('POST', '/api/policy/versions/' + v.id + '/apply'), 'applied version ' + v.id));
    row.insertCell().append(button);
  }
}

async function loadConnections() {
  const { connections } = await api('GET', '/api/connections?limit=200');
  lastConnections = connections;
  drawDoors();
  const body = $('connections').tBodies[0];
  body.replaceChildren();
  for (const c of connections.slice(0, 50)) {
    const row = body.insertRow();
    cell(row, c.at);
    cell(row, c.client);
    cell(row, c.port + '/' + c.protocol);
    cell(row, c.verdict, c.verdict);
    cell(row, c.rule);
    cell(row, c.bytesIn + ' / ' + c.bytesOut);
    cell(row, c.ended ? c.ended.replaceAll('_', ' ') : '', c.ended && c.ended !== 'closed' ? 'partly' : undefined);
  }
}

/** The gateway's load against its caps, from /api/health: what to look at before raising a cap. */
async function loadGatewayLoad() {
  const { gateway } = await api('GET', '/api/health');
  const line = $('load');
  if (!gateway) {
    line.textContent = 'No gateway runs here: nothing is served, nothing is counted.';
    line.className = '';
    return;
  }
  const n = (x) => x.toLocaleString('en-US');
  line.textContent = `Gateway: ${n(gateway.openConnections)} of ${n(gateway.maxConnections)} connections open · `
    + `${n(gateway.udpSessions)} of ${n(gateway.maxUdpSessions)} UDP sessions · `
    + `${n(gateway.limited)} refused by a cap since the start`;
  // Refusals by a cap are clients the policy let in and the gateway turned away: worth a colour.
  line.className = gateway.limited > 0 ? 'partly' : '';
}

function showWarnings(warnings) {
  const list = $('warnings');
  list.replaceChildren();
  for (const w of warnings) {
    const li = document.createElement('li');
    li.textContent = w.text;
    list.append(li);
  }
}

function errorText(e) {
  return (e.code ? e.code + ': ' : '') + (e.message || String(e));
}

async function act(work, done) {
  try {
    await work();
    await Promise.all([loadPolicy(true), loadHistory()]);
    say(done, 'ok');
  } catch (e) {
    say(errorText(e), 'error');
  }
}

/**
 * Adds "- action: port" (with from/to) at the end of the direction's list in the YAML text,
 * creating the list when the policy has none. The text stays the user's: comments are kept.
 */
function addRule(text, direction, action, port, remote) {
  const lines = text.replace(/\s+$/, '').split('\n');
  const header = lines.findIndex((l) => new RegExp('^' + direction + ':\\s*(\\[\\s*\\])?\\s*(#.*)?$').test(l));
  let item = '  - ';
  const rule = (indent) => {
    const out = [indent + action + ': ' + port];
    if (remote) out.push(' '.repeat(indent.length) + (direction === 'inbound' ? 'from' : 'to') + ': ' + remote);
    return out;
  };
  if (header < 0) return lines.concat([direction + ':'], rule(item)).join('\n') + '\n';
  lines[header] = direction + ':';
  let end = header + 1;
  let found = false;
  while (end < lines.length && (lines[end].trim() === '' || /^[\s#-]/.test(lines[end]))) {
    const m = /^(\s*- )/.exec(lines[end]);
    if (m && !found) {
      item = m[1];
      found = true;
    }
    end++;
  }
  while (end > header + 1 && lines[end - 1].trim() === '') end--;
  lines.splice(end, 0, ...rule(item));
  return lines.join('\n') + '\n';
}

$('add-rule').addEventListener('submit', (event) => {
  event.preventDefault();
  $('editor').value = addRule($('editor').value, $('add-direction').value, $('add-action').value,
      $('add-port').value.trim(), $('add-remote').value.trim());
  validate();
});

async function validate() {
  try {
    const result = await api('POST', '/api/policy/validate', { text: $('editor').value });
    showWarnings(result.warnings);
    say(result.warnings.length ? 'valid, with ' + result.warnings.length + ' warning(s): read them before applying' : 'valid', 'ok');
    return true;
  } catch (e) {
    say(errorText(e), 'error');
    return false;
  }
}

$('validate-button').addEventListener('click', validate);

$('apply-button').addEventListener('click', () => act(async () => {
  const saved = await api('POST', '/api/policy/versions', { text: $('editor').value, message: $('message').value });
  await api('POST', '/api/policy/versions/' + saved.version.id + '/apply');
  $('message').value = '';
}, 'saved and applied'));

$('rollback-button').addEventListener('click', () => act(() => api('POST', '/api/policy/rollback'), 'rolled back'));

$('check-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const r = await api('POST', '/api/check', { direction: $('check-direction').value, port: $('check-port').value, remote: $('check-remote').value });
    $('check-result').textContent = r.results.map((x) => x.protocol + ' ' + (x.port ?? '') + ': ' + x.verdict.toUpperCase()
        + '\n  decided by: ' + x.decidedBy + '\n  why: ' + x.why
        + (x.replies ? '\n  replies: ' + (x.replies.leave ? 'leave' : 'BLOCKED') + ' (' + x.replies.mode + ')' : '')).join('\n');
  } catch (e) {
    $('check-result').textContent = errorText(e);
  }
});

$('port-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const r = await api('GET', '/api/ports/' + encodeURIComponent($('port-query').value.trim()));
    $('port-result').textContent = r.ports.map((p) => p.text).join('\n');
  } catch (e) {
    $('port-result').textContent = errorText(e);
  }
});

Promise.all([loadPolicy(true), loadHistory(), loadConnections(), loadGatewayLoad()]).catch((e) => say(errorText(e), 'error'));
setInterval(() => Promise.all([loadConnections(), loadGatewayLoad()]).catch(() => {}), 5000);
