// Recording a development from the page. The form is built from the JSON Schema the API serves for each
// event type (GET /schema/events), so a new type or field appears here without a change to this file. The
// API's problem+json errors are shown beside the fields they name.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { markup } from './markup.js';
import { fetchEventSchemas, postEvents } from './api.js';
import { humanise, typeLabel } from './words.js';

const TOKEN_KEY = 'negotiation-tracker.writer-token';
/** Fields the address or the server fills in. */
const ENVELOPE_SKIPPED = new Set(['type', 'payload', 'id', 'negotiationId']);
const LONG_TEXT = 500;

const OCCURRENCE_HELP = {
  day: 'A day: YYYY-MM-DD',
  month: 'A month: YYYY-MM',
  range: 'A span of days: YYYY-MM-DD/YYYY-MM-DD',
  instant: 'A moment: YYYY-MM-DDTHH:MM:SSZ',
};

/** "publishedAt" → "Published at" */
const labelOf = (name) => {
  const words = humanise(name);
  return words.charAt(0).toUpperCase() + words.slice(1);
};

const fieldId = (path) => `field-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;

const setAt = (value, path, item) => {
  const [head, ...rest] = path;
  const container = Array.isArray(value) ? [...value] : { ...(value ?? {}) };
  if (rest.length === 0) {
    if (item === undefined || item === '') delete container[head];
    else container[head] = item;
  } else container[head] = setAt(container[head] ?? (typeof rest[0] === 'number' ? [] : {}), rest, item);
  return container;
};

/** What is sent: empty strings, lists and objects dropped, so optional fields left blank are absent. */
const pruned = (value) => {
  if (Array.isArray(value)) return value.map(pruned);
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const [key, item] of Object.entries(value)) {
      const kept = pruned(item);
      if (kept === undefined || kept === '') continue;
      if (typeof kept === 'object' && !Array.isArray(kept) && Object.keys(kept).length === 0) continue;
      out[key] = kept;
    }
    return out;
  }
  return value;
};

const ErrorText = ({ path, errors }) => {
  const reasons = errors.get(path);
  return reasons
    ? markup`<p class="field-error" id=${`${fieldId(path)}-error`} role="alert">${reasons.join('; ')}</p>`
    : null;
};

const described = (path, errors, help) =>
  [errors.has(path) ? `${fieldId(path)}-error` : '', help ? `${fieldId(path)}-help` : '']
    .filter(Boolean)
    .join(' ') || undefined;

/** The star is outside the label, so a field's name is its words alone; aria-required says it to readers. */
const Label = ({ path, name, required }) => markup`
  <span class="label-line"><label for=${fieldId(path)}>${labelOf(name)}</label>${required ? markup`<span class="required" aria-hidden="true">${' *'}</span>` : null}</span>
`;

/** One field of whatever shape the schema gives it. */
const Field = ({ schema, name, path, value, required, errors, onChange, help }) => {
  const id = fieldId(path);
  const common = {
    id,
    name: path,
    'aria-invalid': errors.has(path) ? 'true' : undefined,
    'aria-describedby': described(path, errors, help),
    'aria-required': required ? 'true' : undefined,
  };
  const helpText = help ? markup`<p class="help" id=${`${id}-help`}>${help}</p>` : null;
  if (schema.enum)
    return markup`
      <div class="form-field">
        <${Label} path=${path} name=${name} required=${required} />
        <select ...${common} value=${value ?? ''} onChange=${(event) => onChange(event.currentTarget.value)}>
          <option value="">${required ? 'Choose…' : 'Not given'}</option>
          ${schema.enum.map((option) => markup`<option key=${option} value=${option}>${humanise(option)}</option>`)}
        </select>
        ${helpText}<${ErrorText} path=${path} errors=${errors} />
      </div>
    `;
  if (schema.type === 'boolean')
    return markup`
      <div class="form-field">
        <${Label} path=${path} name=${name} required=${required} />
        <select ...${common} value=${value === undefined ? '' : String(value)}
          onChange=${(event) => onChange(event.currentTarget.value === '' ? undefined : event.currentTarget.value === 'true')}>
          <option value="">${required ? 'Choose…' : 'Not given'}</option>
          <option value="true">Yes</option>
          <option value="false">No</option>
        </select>
        ${helpText}<${ErrorText} path=${path} errors=${errors} />
      </div>
    `;
  if (schema.oneOf)
    return markup`<${UnionField} ...${{ schema, name, path, value, required, errors, onChange }} />`;
  if (schema.type === 'object' && schema.properties)
    return markup`
      <fieldset class="form-group" id=${id}>
        <legend>${labelOf(name)}${required ? '' : ' (optional)'}</legend>
        <${ErrorText} path=${path} errors=${errors} />
        <${ObjectFields} schema=${schema} path=${path} value=${value} errors=${errors} onChange=${onChange} />
      </fieldset>
    `;
  if (schema.type === 'object')
    return markup`
      <div class="form-field">
        <${Label} path=${path} name=${name} required=${required} />
        <textarea ...${common} rows="3" placeholder="JSON object"
          onChange=${(event) => {
            try {
              onChange(
                event.currentTarget.value.trim() === '' ? undefined : JSON.parse(event.currentTarget.value),
              );
            } catch {
              onChange(event.currentTarget.value);
            }
          }}>${value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value)}</textarea>
        <p class="help" id=${`${id}-help`}>As JSON, e.g. {"payload": {...}} fields to replace.</p>
        <${ErrorText} path=${path} errors=${errors} />
      </div>
    `;
  if (schema.type === 'array')
    return markup`<${ArrayField} ...${{ schema, name, path, value, required, errors, onChange }} />`;
  if (schema.type === 'number')
    return markup`
      <div class="form-field">
        <${Label} path=${path} name=${name} required=${required} />
        <input ...${common} type="number" step="any" value=${value ?? ''}
          onInput=${(event) => onChange(event.currentTarget.value === '' ? undefined : Number(event.currentTarget.value))} />
        ${helpText}<${ErrorText} path=${path} errors=${errors} />
      </div>
    `;
  const long = (schema.maxLength ?? 0) > LONG_TEXT;
  const dateHelp =
    schema.format === 'date-or-date-time' ? 'A date (YYYY-MM-DD) or a date-time with zone' : undefined;
  const text = (event) => onChange(event.currentTarget.value);
  return markup`
    <div class="form-field">
      <${Label} path=${path} name=${name} required=${required} />
      ${
        long
          ? markup`<textarea ...${common} rows="3" value=${value ?? ''} onInput=${text}></textarea>`
          : markup`<input ...${common} type=${schema.title === 'Url' ? 'url' : 'text'} value=${value ?? ''} onInput=${text}
              placeholder=${schema.format === 'date-or-date-time' ? 'YYYY-MM-DD' : schema.format === 'uuid' ? 'event id' : undefined} />`
      }
      ${help || dateHelp ? markup`<p class="help" id=${`${id}-help`}>${help ?? dateHelp}</p>` : null}
      <${ErrorText} path=${path} errors=${errors} />
    </div>
  `;
};

const ObjectFields = ({ schema, path, value, errors, onChange, skip = new Set(), helps = {} }) => {
  const required = new Set(schema.required ?? []);
  // Required fields first, in the schema's order.
  const names = Object.keys(schema.properties).filter((name) => !skip.has(name));
  names.sort((a, b) => Number(required.has(b)) - Number(required.has(a)));
  return names.map(
    (name) => markup`
      <${Field}
        key=${name}
        schema=${schema.properties[name]}
        name=${name}
        path=${path === '' ? name : `${path}.${name}`}
        value=${value?.[name]}
        required=${required.has(name)}
        errors=${errors}
        help=${helps[name]}
        onChange=${(item) => onChange(setAt(value, [name], item))}
      />
    `,
  );
};

/** A member chosen by its tag ("kind"), then that member's own fields. */
const UnionField = ({ schema, name, path, value, required, errors, onChange }) => {
  const tagKey = schema.discriminator.propertyName;
  const tags = schema.discriminator.tags;
  const tag = value?.[tagKey];
  const member = schema.oneOf[tags.indexOf(tag)];
  const tagPath = `${path}.${tagKey}`;
  return markup`
    <fieldset class="form-group" id=${fieldId(path)}>
      <legend>${labelOf(name)}${required ? '' : ' (optional)'}</legend>
      <div class="form-field">
        <${Label} path=${tagPath} name=${tagKey} required=${true} />
        <select id=${fieldId(tagPath)} value=${tag ?? ''} aria-invalid=${errors.has(tagPath) ? 'true' : undefined}
          onChange=${(event) => onChange(event.currentTarget.value === '' ? undefined : { [tagKey]: event.currentTarget.value })}>
          <option value="">Choose…</option>
          ${tags.map((option) => markup`<option key=${option} value=${option}>${humanise(option)}</option>`)}
        </select>
        <${ErrorText} path=${tagPath} errors=${errors} />
      </div>
      ${member ? markup`<${ObjectFields} schema=${member} path=${path} value=${value} errors=${errors} onChange=${onChange} skip=${new Set([tagKey])} />` : null}
    </fieldset>
  `;
};

/** Lists of names are typed one a line; lists of objects get a group each, added and removed by buttons. */
const ArrayField = ({ schema, name, path, value, required, errors, onChange }) => {
  const items = Array.isArray(value) ? value : [];
  const item = schema.items ?? {};
  if (item.type === 'string' && !item.enum)
    return markup`
      <div class="form-field">
        <${Label} path=${path} name=${name} required=${required} />
        <textarea id=${fieldId(path)} rows="2" aria-describedby=${described(path, errors, true)}
          aria-invalid=${errors.has(path) ? 'true' : undefined}
          onInput=${(event) =>
            onChange(
              event.currentTarget.value
                .split('\n')
                .map((line) => line.trim())
                .filter(Boolean),
            )}>${items.join('\n')}</textarea>
        <p class="help" id=${`${fieldId(path)}-help`}>One a line.</p>
        <${ErrorText} path=${path} errors=${errors} />
      </div>
    `;
  const minimum = schema.minItems ?? 0;
  const shown = items.length < minimum ? [...items, ...Array(minimum - items.length).fill(undefined)] : items;
  return markup`
    <fieldset class="form-group" id=${fieldId(path)}>
      <legend>${labelOf(name)}${required ? '' : ' (optional)'}</legend>
      <${ErrorText} path=${path} errors=${errors} />
      ${shown.map(
        (entry, index) => markup`
          <div class="form-item" key=${index}>
            <${Field} schema=${item} name=${`${name.replace(/s$/, '')} ${index + 1}`} path=${`${path}.${index}`} value=${entry}
              required=${true} errors=${errors} onChange=${(next) => onChange(setAt(shown, [index], next))} />
            ${shown.length > minimum ? markup`<button type="button" onClick=${() => onChange(shown.filter((_, at) => at !== index))}>${`Remove ${humanise(name.replace(/s$/, ''))} ${index + 1}`}</button>` : null}
          </div>
        `,
      )}
      ${shown.length < (schema.maxItems ?? Infinity) ? markup`<button type="button" onClick=${() => onChange([...shown, undefined])}>${`Add ${humanise(name.replace(/s$/, ''))}`}</button>` : null}
    </fieldset>
  `;
};

const errorsByField = (problem) => {
  const map = new Map();
  for (const error of problem?.errors ?? [])
    map.set(error.field, [...(map.get(error.field) ?? []), error.reason]);
  return map;
};

/** Fields the form does not show (a '(body)' error, a rule on the whole batch) are listed at its top. */
const unplacedErrors = (errors) =>
  [...errors.entries()].filter(([path]) => !document.getElementById(fieldId(path)));

export const RecordForm = ({ negotiationId, request, onClose, onRecorded }) => {
  const [schemas, setSchemas] = useState(undefined);
  const [loadError, setLoadError] = useState(undefined);
  const [token, setToken] = useState(() => window.sessionStorage.getItem(TOKEN_KEY) ?? '');
  /** @type {[{ type: string, precision: string, sources: unknown[], payload?: unknown }, (event: object) => void]} */
  const [event, setEvent] = useState({ type: '', precision: 'day', sources: [undefined] });
  const [problem, setProblem] = useState(undefined);
  const [outcome, setOutcome] = useState(undefined);
  const [sending, setSending] = useState(false);
  const [unplaced, setUnplaced] = useState([]);
  const heading = useRef(null);

  useEffect(() => {
    fetchEventSchemas()
      .then(setSchemas)
      .catch((error) => setLoadError(error.message));
  }, []);
  // "Correct" and "Retract" open the form with the development they concern filled in.
  useEffect(() => {
    if (request === undefined) return;
    setEvent({
      type: request.type ?? '',
      precision: 'day',
      sources: [undefined],
      ...(request.targetEventId ? { payload: { targetEventId: request.targetEventId } } : {}),
    });
    setProblem(undefined);
    setOutcome(undefined);
    heading.current?.scrollIntoView({ block: 'start' });
    heading.current?.focus();
  }, [request]);

  const errors = useMemo(() => errorsByField(problem), [problem]);
  useEffect(() => setUnplaced(unplacedErrors(errors)), [errors, event.type]);
  const typeSchema = schemas?.types.find((item) => item.type === event.type);

  const submit = async (submitted) => {
    submitted.preventDefault();
    setSending(true);
    setOutcome(undefined);
    try {
      const body = pruned(event);
      const answer = await postEvents(negotiationId, body, token);
      if (answer.ok) {
        setProblem(undefined);
        setOutcome({ revision: answer.body.revision, warnings: answer.body.warnings ?? [] });
        setEvent({ type: event.type, precision: event.precision, sources: [undefined] });
        onRecorded?.(answer.body);
      } else {
        const named =
          answer.status === 401 || answer.status === 403
            ? {
                ...answer.body,
                errors: [{ field: 'writer-token', reason: answer.body.detail ?? 'is not a writer token' }],
              }
            : answer.body;
        setProblem(named);
      }
    } catch (failure) {
      setProblem({ detail: failure.message });
    } finally {
      setSending(false);
    }
  };

  return markup`
    <section class="record" aria-labelledby="record-heading" id="record">
      <h2 id="record-heading" tabindex="-1" ref=${heading}>Record a development</h2>
      ${loadError ? markup`<p class="error" role="alert">${`Could not load the event types: ${loadError}`}</p>` : null}
      <form class="record-form" noValidate onSubmit=${submit} aria-describedby="record-help">
        <p class="help" id="record-help">Fields marked * are required. Sent to this negotiation with your writer token; it is kept for this browser tab only.</p>
        <div class="form-field">
          <label for="field-writer-token">Writer token</label>
          <input id="field-writer-token" type="password" autocomplete="off" value=${token}
            aria-invalid=${errors.has('writer-token') ? 'true' : undefined}
            aria-describedby=${errors.has('writer-token') ? 'field-writer-token-error' : undefined}
            onInput=${(input) => {
              setToken(input.currentTarget.value);
              window.sessionStorage.setItem(TOKEN_KEY, input.currentTarget.value);
            }} />
          <${ErrorText} path="writer-token" errors=${errors} />
        </div>
        <div class="form-field">
          <span class="label-line"><label for="field-type">Event type</label><span class="required" aria-hidden="true">${' *'}</span></span>
          <select id="field-type" value=${event.type} aria-invalid=${errors.has('type') ? 'true' : undefined}
            onChange=${(change) => setEvent({ ...event, type: change.currentTarget.value, payload: undefined })}>
            <option value="">Choose…</option>
            ${(schemas?.types ?? []).map((item) => markup`<option key=${item.type} value=${item.type}>${typeLabel(item.type)}</option>`)}
          </select>
          <${ErrorText} path="type" errors=${errors} />
        </div>
        ${
          schemas && typeSchema
            ? markup`
            <${ObjectFields} schema=${schemas.envelope} path="" value=${event} errors=${errors} onChange=${setEvent}
              skip=${ENVELOPE_SKIPPED} helps=${{ occurredAt: OCCURRENCE_HELP[event.precision] }} />
            <fieldset class="form-group" id="field-payload">
              <legend>${`${typeLabel(event.type)}: what happened`}</legend>
              <${ErrorText} path="payload" errors=${errors} />
              <${ObjectFields} schema=${typeSchema.payload} path="payload" value=${event.payload}
                errors=${errors} onChange=${(payload) => setEvent({ ...event, payload })} />
            </fieldset>
          `
            : null
        }
        ${
          problem
            ? markup`
            <div class="form-problem" role="alert">
              <p>${problem.title ? `${problem.title}: ` : ''}${unplaced.length > 0 || !problem.errors ? problem.detail : 'see the fields marked below.'}</p>
              ${unplaced.length > 0 ? markup`<ul>${unplaced.map(([path, reasons]) => markup`<li key=${path}>${`${path}: ${reasons.join('; ')}`}</li>`)}</ul>` : null}
            </div>`
            : null
        }
        ${
          outcome
            ? markup`
            <div class="form-outcome" role="status">
              <p>${`Recorded (revision ${outcome.revision}).`}</p>
              ${outcome.warnings.length > 0 ? markup`<ul class="warnings" aria-label="Warnings">${outcome.warnings.map((warning, index) => markup`<li key=${index}>${typeof warning === 'string' ? warning : `${warning.field ?? ''} ${warning.reason ?? warning.detail ?? JSON.stringify(warning)}`.trim()}</li>`)}</ul>` : null}
            </div>`
            : null
        }
        <div class="form-actions">
          <button type="submit" disabled=${sending || !typeSchema}>${sending ? 'Recording…' : 'Record'}</button>
          <button type="button" onClick=${onClose}>Close the form</button>
        </div>
      </form>
    </section>
  `;
};
