// Where the negotiation stood on the date shown, in one band at the top of the page: the stage and whether
// the deal holds, the talks' activity, the open issues and each phase's readiness. The panels below say why.
import { markup } from './markup.js';
import { Since } from './panel.js';
import { stateLabel, toneOf } from './states.js';
import { humanise, idAsWords } from './words.js';

const SHOWN_ISSUES = 3;

/** The title of the agreement the deal is about, never its id when the log gave it a title. */
const agreementTitle = (status) => {
  const id = status.deal.agreementId;
  if (id === undefined) return undefined;
  return status.agreements?.find((agreement) => agreement.agreementId === id)?.title ?? idAsWords(id);
};

const Cell = ({ term, className, children }) => markup`
  <div class=${`headline-cell ${className}`}>
    <dt>${term}</dt>
    <dd>${children}</dd>
  </div>
`;

const Deal = ({ status, onSelectEvent }) => {
  const deal = status.deal;
  const about = agreementTitle(status);
  const reason = deal.reasons[0];
  return markup`
    <span class=${`state tone-${toneOf(deal.state)}`} data-deal=${deal.state}>${stateLabel(deal.state)}</span>
    ${about ? markup`<span class="headline-detail">${about}</span>` : null}
    ${
      reason
        ? markup`<span class="headline-detail">${reason.reason}<${Since} word="" reference=${reason.evidence} onSelectEvent=${onSelectEvent} /></span>`
        : null
    }
  `;
};

const OpenIssues = ({ issues }) => {
  const open = issues?.issues ?? [];
  if (open.length === 0) return markup`<span>None open</span>`;
  const more = open.length - SHOWN_ISSUES;
  return markup`
    <a href="#issues" class="headline-count">${`${open.length} open`}</a>
    <ul class="headline-list">
      ${open.slice(0, SHOWN_ISSUES).map((issue) => {
        const title = issue.title ?? idAsWords(issue.issueId);
        return markup`<li key=${issue.issueId} title=${title}>${title}</li>`;
      })}
      ${more > 0 ? markup`<li class="headline-more">${`and ${more} more`}</li>` : null}
    </ul>
  `;
};

const Phases = ({ phases }) => {
  const list = phases?.phases ?? [];
  if (list.length === 0) return markup`<span>No phased framework yet</span>`;
  return markup`
    <ul class="headline-list headline-phases">
      ${list.map((phase) => {
        const met = phase.prerequisites.filter((prerequisite) => prerequisite.met).length;
        const name = phase.name ?? idAsWords(phase.phaseId);
        return markup`
          <li key=${phase.phaseId} title=${name}>
            <a href="#phases">${name}</a>
            <span class=${`state tone-${toneOf(phase.state)}`}>${stateLabel(phase.state)}</span>
            <span class="headline-detail">${`${met} of ${phase.prerequisites.length} met`}</span>
          </li>
        `;
      })}
    </ul>
  `;
};

/** The headline for the date shown; empty (not stale) while the first answer is on its way. */
export const Headline = ({ views, dateText, busy, error, onSelectEvent }) => {
  const status = views?.status;
  return markup`
    <section class="headline" aria-labelledby="headline-heading" aria-busy=${busy ? 'true' : 'false'}>
      <h2 id="headline-heading">${`Where it stood on ${dateText}`}</h2>
      ${error ? markup`<p class="error" role="alert">${`Could not load: ${error}`}</p>` : null}
      ${
        status === undefined
          ? markup`<p aria-busy="true">Loading…</p>`
          : status.developmentCount === 0
            ? markup`<p class="empty">Nothing had happened yet, as far as the log knows.</p>`
            : markup`
          <dl class="headline-cells" aria-live="polite">
            <${Cell} term="Stage" className="headline-stage">
              <strong>${humanise(status.stage)}</strong>
              <${Since} reference=${status.stageSince} onSelectEvent=${onSelectEvent} />
            <//>
            <${Cell} term="Deal" className="headline-deal"><${Deal} status=${status} onSelectEvent=${onSelectEvent} /><//>
            <${Cell} term="Activity" className="headline-activity">
              <span class=${`state tone-${toneOf(status.activity)}`}>${humanise(status.activity)}</span>
              <${Since} reference=${status.activitySince} onSelectEvent=${onSelectEvent} />
            <//>
            <${Cell} term="Open issues" className="headline-issues"><${OpenIssues} issues=${views.issues} /><//>
            <${Cell} term="Phases" className="headline-phases-cell"><${Phases} phases=${views.phases} /><//>
          </dl>
        `
      }
    </section>
  `;
};
