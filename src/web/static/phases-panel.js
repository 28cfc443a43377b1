// How ready each phase of the deal was on the selected date: prerequisites met (since when, by which
// event) and those still blocking it.
import { markup } from './markup.js';
import { Since } from './panel.js';
import { stateLabel, toneOf } from './states.js';
import { idAsWords } from './words.js';

const Prerequisite = ({ prerequisite, onSelectEvent }) => markup`
  <li class=${prerequisite.met ? 'met' : 'blocking'}>
    ${prerequisite.description}
    ${prerequisite.detail ? markup`${' '}<span class="detail">${`(${prerequisite.detail})`}</span>` : null}
    ${prerequisite.met ? markup`<${Since} reference=${prerequisite.since} onSelectEvent=${onSelectEvent} />` : null}
  </li>
`;

const PrerequisiteList = ({ label, prerequisites, onSelectEvent }) =>
  prerequisites.length === 0
    ? null
    : markup`
      <h4>${label}</h4>
      <ul class="prerequisites" aria-label=${label}>
        ${prerequisites.map(
          (prerequisite) => markup`
            <${Prerequisite} key=${prerequisite.description} prerequisite=${prerequisite} onSelectEvent=${onSelectEvent} />
          `,
        )}
      </ul>
    `;

const readinessText = (phase, metCount) =>
  `${phase.duration ? `; lasts ${phase.duration}` : ''}; ${metCount} of ${phase.prerequisites.length} prerequisites met`;

const timing = (phase) =>
  [
    phase.scheduledFor ? `scheduled for ${phase.scheduledFor}` : '',
    phase.startBy ? `to start by ${phase.startBy}${phase.startMissed ? ' (missed)' : ''}` : '',
    phase.dueBy ? `due by ${phase.dueBy}${phase.overdue ? ' (overdue)' : ''}` : '',
  ]
    .filter((part) => part !== '')
    .join('; ');

const Phase = ({ phase, onSelectEvent }) => {
  const met = phase.prerequisites.filter((prerequisite) => prerequisite.met);
  return markup`
    <li class="phase">
      <h3 title=${phase.phaseId}>${phase.name ?? idAsWords(phase.phaseId)}</h3>
      <p>
        <span class=${`state state-${phase.state} tone-${toneOf(phase.state)}`}>${stateLabel(phase.state)}</span>
        ${readinessText(phase, met.length)}
        ${phase.started ? markup`${';'}<${Since} word="started" reference=${phase.started} onSelectEvent=${onSelectEvent} />` : null}
        ${phase.completed ? markup`${';'}<${Since} word="completed" reference=${phase.completed} onSelectEvent=${onSelectEvent} />` : null}
        ${phase.ended && phase.ended.outcome !== 'completed' ? markup`${';'}<${Since} word=${phase.ended.outcome} reference=${phase.ended.evidence} onSelectEvent=${onSelectEvent} />` : null}
      </p>
      ${phase.ended?.reason ? markup`<p class="reason">${phase.ended.reason}</p>` : null}
      ${timing(phase) ? markup`<p class=${phase.overdue || phase.startMissed ? 'note overdue' : 'note'}>${timing(phase)}</p>` : null}
      ${
        phase.suspensions.length > 0
          ? markup`<ul class="suspensions" aria-label="Suspensions">
            ${phase.suspensions.map(
              (s) => markup`<li key=${s.suspended.eventId}>
                <${Since} word="suspended" reference=${s.suspended} onSelectEvent=${onSelectEvent} />
                ${`: ${s.reason}`}
                ${s.resumed ? markup`${';'}<${Since} word="resumed" reference=${s.resumed} onSelectEvent=${onSelectEvent} />` : null}
              </li>`,
            )}
          </ul>`
          : null
      }
      <${PrerequisiteList} label="Prerequisites met" prerequisites=${met} onSelectEvent=${onSelectEvent} />
      <${PrerequisiteList} label="Blocking" prerequisites=${phase.blocking} onSelectEvent=${onSelectEvent} />
    </li>
  `;
};

/** @param {{ phases: Partial<import('./api.js').PhasesAnswer>, onSelectEvent: (eventId: string) => void }} props */
export const PhasesSummary = ({ phases, onSelectEvent }) =>
  phases.phases.length === 0
    ? markup`<p class="empty">No phased framework had been proposed yet.</p>`
    : markup`
      <p>
        ${'Phases as defined by '}<strong title=${phases.proposalId}>${idAsWords(phases.proposalId)}</strong>
        <${Since} word="defined" reference=${phases.definedBy} onSelectEvent=${onSelectEvent} />
      </p>
      <ul class="phases">
        ${phases.phases.map(
          (phase) => markup`<${Phase} key=${phase.phaseId} phase=${phase} onSelectEvent=${onSelectEvent} />`,
        )}
      </ul>
    `;
