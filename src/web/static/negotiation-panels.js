// The parts of the status the model grew beyond the first story: agreements and their ratification, who is at
// the table and in what role, the ground (ceasefires, violations, armed actors), deadlines, every speaker's
// statements, and what developments name that nothing defines yet.
import { markup } from './markup.js';
import { Since } from './panel.js';
import { EventLink } from './references.js';
import { humanise, idAsWords, listOf } from './words.js';

const List = ({ title, items, empty, children }) =>
  items.length === 0 && empty === undefined
    ? null
    : markup`
      <h3>${title}</h3>
      ${items.length === 0 ? markup`<p class="empty">${empty}</p>` : markup`<ul>${children}</ul>`}
    `;

const voteText = (r) =>
  [
    r.yesPercent === undefined ? '' : `${r.yesPercent} % yes`,
    r.turnoutPercent === undefined ? '' : `turnout ${r.turnoutPercent} %`,
    r.votesFor === undefined ? '' : `${r.votesFor} for, ${r.votesAgainst ?? 0} against`,
  ]
    .filter((part) => part !== '')
    .join(', ');

const Agreement = ({ agreement, onSelectEvent }) => markup`
  <li class=${`agreement agreement-${agreement.status}`}>
    <strong title=${agreement.agreementId}>${agreement.title ?? idAsWords(agreement.agreementId)}</strong>
    ${` (${humanise(agreement.kind)} agreement): `}
    <span class=${`state state-${agreement.status}`}>${humanise(agreement.status)}</span>
    <${Since} reference=${agreement.statusSince} onSelectEvent=${onSelectEvent} />
    ${
      agreement.awaitingRatificationBy.length > 0 && agreement.status !== 'rejected'
        ? markup`<p class="reason">${`Awaiting ratification by ${listOf(agreement.awaitingRatificationBy)}`}</p>`
        : null
    }
    ${
      agreement.ratifications.length > 0
        ? markup`<ul class="ratifications">
          ${agreement.ratifications.map(
            (r) => markup`<li key=${r.evidence.eventId}>
              ${`${r.body}: ${r.outcome}${voteText(r) ? ` (${voteText(r)})` : ''}`}
              <${EventLink} reference=${r.evidence} onSelectEvent=${onSelectEvent} />
            </li>`,
          )}
        </ul>`
        : null
    }
    ${
      agreement.withdrawals.length > 0
        ? markup`<p class="reason">${`Withdrawn: ${listOf(agreement.withdrawals.map((w) => w.party))}`}</p>`
        : null
    }
  </li>
`;

const Participant = ({ participant, onSelectEvent }) => markup`
  <li class=${`participant participant-${participant.standing}`}>
    <strong>${participant.party}</strong>
    ${`: ${participant.standing === 'at-table' ? 'at the table' : humanise(participant.standing)}`}
    <${Since} reference=${participant.since} onSelectEvent=${onSelectEvent} />
    ${participant.reason ? markup`<p class="reason">${participant.reason}</p>` : null}
  </li>
`;

const Role = ({ role, onSelectEvent }) => markup`
  <li>
    <strong>${role.person?.name ?? role.party}</strong>
    ${`: ${role.role}${role.person ? ` (${role.party})` : ''}`}
    <${Since} reference=${role.since} onSelectEvent=${onSelectEvent} />
  </li>
`;

const Ceasefire = ({ ceasefire, onSelectEvent }) => markup`
  <li class=${`ceasefire ceasefire-${ceasefire.state}`}>
    <strong>${`Ceasefire by ${listOf(ceasefire.declaredBy)}`}</strong>
    ${`: ${humanise(ceasefire.state)}`}
    <${Since} reference=${ceasefire.since} onSelectEvent=${onSelectEvent} />
    ${
      ceasefire.brokeDown && ceasefire.state === 'broken-down'
        ? markup`<p class="reason">${ceasefire.brokeDown.reason}</p>`
        : null
    }
    ${ceasefire.violations > 0 ? markup`<p class="note">${`${ceasefire.violations} violation(s) reported`}</p>` : null}
  </li>
`;

const Ground = ({ ground, onSelectEvent }) =>
  ground.situation === 'not-reported'
    ? null
    : markup`
      <h3>On the ground</h3>
      <p class=${`ground ground-${ground.situation}`}>${humanise(ground.situation)}</p>
      <ul class="ceasefires">
        ${ground.ceasefires.map(
          (c) => markup`<${Ceasefire} key=${c.ceasefireId} ceasefire=${c} onSelectEvent=${onSelectEvent} />`,
        )}
        ${ground.actors
          .filter((a) => a.posture !== 'ceasefire')
          .map(
            (a) => markup`<li key=${a.actor}>
              <strong>${a.actor}</strong>${`: ${humanise(a.posture)}`}
              <${Since} reference=${a.since} onSelectEvent=${onSelectEvent} />
            </li>`,
          )}
      </ul>
      ${
        ground.violationCount > 0
          ? markup`<p class="note">${`${ground.violationCount} violation(s) reported in all; the latest:`}</p>
          <ul class="violations">
            ${ground.violations.map(
              (v) => markup`<li key=${v.evidence.eventId}>
                ${`${v.description} (alleged by ${v.allegedBy}${v.accused ? ` against ${v.accused}` : ''})`}
                <${EventLink} reference=${v.evidence} onSelectEvent=${onSelectEvent} />
              </li>`,
            )}
          </ul>`
          : null
      }
    `;

const deadlineState = (d) =>
  d.state === 'pending' && d.passed ? 'passed, not reported met' : humanise(d.state);

const Deadline = ({ deadline, onSelectEvent }) => markup`
  <li class=${`deadline deadline-${deadline.state === 'pending' && deadline.passed ? 'passed' : deadline.state}`}>
    <strong title=${deadline.deadlineId}>${deadline.description ?? idAsWords(deadline.deadlineId)}</strong>
    ${`: ${deadline.deadline ?? 'no date'}, ${deadlineState(deadline)}`}
    <${Since} reference=${deadline.since} onSelectEvent=${onSelectEvent} />
  </li>
`;

const Statement = ({ entry, onSelectEvent }) => markup`
  <li>
    <strong>${entry.speakers}</strong>
    ${entry.latest.characterisation ? markup`${': '}<span class=${`characterisation characterisation-${entry.latest.characterisation}`}>${entry.latest.characterisation}</span>` : null}
    <${EventLink} reference=${entry.latest.evidence} onSelectEvent=${onSelectEvent} />
    ${entry.latest.text ? markup`<p class="characterisation-text">${entry.latest.text}</p>` : null}
    ${
      entry.count > 1
        ? markup`<details><summary>${`${entry.count - 1} earlier statement(s)`}</summary>
          <ul>${entry.earlier.map(
            (s) => markup`<li key=${s.evidence.eventId}>
              ${s.characterisation ? `${s.characterisation}: ` : ''}${s.text ?? ''}
              <${EventLink} reference=${s.evidence} onSelectEvent=${onSelectEvent} />
            </li>`,
          )}</ul>
        </details>`
        : null
    }
  </li>
`;

/** @param {{ status: Partial<import('./api.js').StatusView>, onSelectEvent: (eventId: string) => void }} props */
export const NegotiationPanels = ({ status, onSelectEvent }) => markup`
  <${List} title="Agreements" items=${status.agreements}>
    ${status.agreements.map((a) => markup`<${Agreement} key=${a.agreementId} agreement=${a} onSelectEvent=${onSelectEvent} />`)}
  <//>
  <${List} title="At the table" items=${status.participants}>
    ${status.participants.map((p) => markup`<${Participant} key=${p.party} participant=${p} onSelectEvent=${onSelectEvent} />`)}
  <//>
  <${List} title="Roles" items=${status.roles}>
    ${status.roles.map((r) => markup`<${Role} key=${`${r.role}:${r.party}`} role=${r} onSelectEvent=${onSelectEvent} />`)}
    ${status.groupings.map((g) => markup`<li key=${g.groupingId}><strong>${g.name}</strong>${`: ${listOf(g.members)}`}</li>`)}
  <//>
  <${Ground} ground=${status.ground} onSelectEvent=${onSelectEvent} />
  <${List} title="Deadlines" items=${status.deadlines}>
    ${status.deadlines.map((d) => markup`<${Deadline} key=${d.deadlineId} deadline=${d} onSelectEvent=${onSelectEvent} />`)}
  <//>
  <${List} title="Statements by speaker" items=${status.statements}>
    ${status.statements.map((s) => markup`<${Statement} key=${s.speakers} entry=${s} onSelectEvent=${onSelectEvent} />`)}
  <//>
  <${List} title="Named but not yet reported" items=${status.unresolvedReferences}>
    ${status.unresolvedReferences.map(
      (r) => markup`<li key=${`${r.kind}:${r.id}`}>
        ${`${humanise(r.kind)} ${r.id}, named`}
        <${Since} word="on" reference=${r.firstReferenced} onSelectEvent=${onSelectEvent} />
      </li>`,
    )}
  <//>
`;
