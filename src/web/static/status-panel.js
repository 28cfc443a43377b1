// Where the negotiation stood on the selected date: stage, activity, venue, delegations, the latest
// proposal with each party's stance, and who characterised the talks how.
// Sentences are built as strings: a space next to a line break in a template would be lost (see markup.js).
import { markup } from './markup.js';
import { NegotiationPanels } from './negotiation-panels.js';
import { Fact, Since } from './panel.js';
import { EventLink } from './references.js';
import { distinctAttributions, humanise, idAsWords, listOf } from './words.js';

const ledBy = (head) => (head ? `, led by ${head.name}${head.role ? ` (${head.role})` : ''}` : '');

const DelegationPresent = ({ delegation, onSelectEvent }) => markup`
  <li class="delegation">
    <strong>${delegation.party}</strong>
    ${` in ${delegation.venue}${ledBy(delegation.head)}${delegation.level ? `, ${delegation.level} level` : ''},`}
    <${Since} reference=${delegation.since} onSelectEvent=${onSelectEvent} />
    ${delegation.mandate ? markup`<p class="mandate">${`Mandate: ${delegation.mandate}`}</p>` : null}
  </li>
`;

const DelegationRecalled = ({ delegation, onSelectEvent }) => markup`
  <li class="delegation recalled">
    <strong>${delegation.party}</strong>
    ${` recalled${delegation.venue ? ` from ${delegation.venue}` : ''}`}
    <${Since} word="on" reference=${delegation.recalled} onSelectEvent=${onSelectEvent} />
    ${delegation.reason ? markup`<p class="reason">${`Reason: ${delegation.reason}`}</p>` : null}
  </li>
`;

const Delegations = ({ status, onSelectEvent }) => markup`
  <h3>Delegations</h3>
  ${
    status.delegations.length === 0 && status.recalledDelegations.length === 0
      ? markup`<p class="empty">No delegation reported.</p>`
      : null
  }
  ${
    status.delegations.length > 0
      ? markup`
      <ul class="delegations present" aria-label="Delegations present">
        ${status.delegations.map(
          (delegation) => markup`
            <${DelegationPresent} key=${delegation.party} delegation=${delegation} onSelectEvent=${onSelectEvent} />
          `,
        )}
      </ul>
    `
      : null
  }
  ${
    status.recalledDelegations.length > 0
      ? markup`
      <ul class="delegations recalled" aria-label="Delegations recalled">
        ${status.recalledDelegations.map(
          (delegation) => markup`
            <${DelegationRecalled} key=${delegation.party} delegation=${delegation} onSelectEvent=${onSelectEvent} />
          `,
        )}
      </ul>
    `
      : null
  }
`;

const Stance = ({ stance, onSelectEvent }) => markup`
  <li>
    <strong>${stance.party}</strong>
    ${': '}
    <span class=${`stance stance-${stance.stance}`}>${humanise(stance.stance)}</span>
    ${stance.via.length > 0 ? ` (via ${listOf(stance.via)})` : ''}
    <${EventLink} reference=${stance.evidence} onSelectEvent=${onSelectEvent} />
    ${stance.details ? markup`<p class="details-text">${stance.details}</p>` : null}
  </li>
`;

const LatestProposal = ({ proposal, onSelectEvent }) => markup`
  <h3>Latest proposal</h3>
  <p>
    <strong title=${proposal.proposalId}>${idAsWords(proposal.proposalId)}</strong>
    ${`${proposal.author ? ` by ${proposal.author}` : ''}, ${proposal.status}`}
    <${Since} word="" reference=${proposal.tabled ?? proposal.announced} onSelectEvent=${onSelectEvent} />
  </p>
  ${
    proposal.summary
      ? markup`<details><summary>What it proposes</summary><p>${proposal.summary}</p></details>`
      : null
  }
  <h4>Latest stances</h4>
  ${
    proposal.stanceList.length === 0
      ? markup`<p class="empty">No party has answered yet.</p>`
      : markup`
      <ul class="stances">
        ${proposal.stanceList.map(
          (stance) =>
            markup`<${Stance} key=${stance.party} stance=${stance} onSelectEvent=${onSelectEvent} />`,
        )}
      </ul>
    `
  }
`;

const Characterisation = ({ record, onSelectEvent }) => markup`
  <li>
    <strong>${listOf(record.by)}</strong>
    ${`${record.kind === 'joint' ? ' (jointly)' : ''}: `}
    <span class=${`characterisation characterisation-${record.characterisation}`}>${record.characterisation}</span>
    <${EventLink} reference=${record.evidence} onSelectEvent=${onSelectEvent} />
    ${record.text ? markup`<p class="characterisation-text">${record.text}</p>` : null}
    ${
      record.attributedTo.length > 0
        ? markup`<p class="attribution">${`Attributed to ${listOf(distinctAttributions(record.attributedTo))}`}</p>`
        : null
    }
  </li>
`;

const Characterisations = ({ characterisations, onSelectEvent }) => markup`
  <h3>Latest characterisations</h3>
  ${
    characterisations.length === 0
      ? markup`<p class="empty">None reported.</p>`
      : markup`
      <ul class="characterisations">
        ${characterisations.map(
          (record) => markup`
            <${Characterisation} key=${record.evidence.eventId} record=${record} onSelectEvent=${onSelectEvent} />
          `,
        )}
      </ul>
    `
  }
`;

const talksText = (talks) =>
  `${talks.scheduledFor} in ${listOf(talks.venues)}${
    talks.participants.length > 0 ? ` with ${listOf(talks.participants)}` : ''
  }`;

const UpcomingTalks = ({ talks, onSelectEvent }) =>
  talks.length === 0
    ? null
    : markup`
      <h3>Talks scheduled</h3>
      <ul>
        ${talks.map(
          (item) => markup`
            <li key=${item.evidence.eventId}>
              ${talksText(item)}
              <${Since} word="announced" reference=${item.evidence} onSelectEvent=${onSelectEvent} />
              ${item.description ? markup`<p class="details-text">${item.description}</p>` : null}
            </li>
          `,
        )}
      </ul>
    `;

const uncertainText = (count) =>
  count === 1
    ? '1 vaguely dated development is counted here although it may not have happened yet by this date.'
    : `${count} vaguely dated developments are counted here although they may not have happened yet by this date.`;

const UncertainNote = ({ uncertain }) =>
  uncertain.length === 0 ? null : markup`<p class="note">${uncertainText(uncertain.length)}</p>`;

/** @param {{ status: Partial<import('./api.js').StatusView>, onSelectEvent: (eventId: string) => void }} props */
export const StatusSummary = ({ status, onSelectEvent }) => {
  if (status.developmentCount === 0)
    return markup`<p class="empty">Nothing had happened yet, as far as the log knows.</p>`;
  return markup`
    <dl class="facts">
      <${Fact} term="Stage" className="stage">
        ${humanise(status.stage)}
        <${Since} reference=${status.stageSince} onSelectEvent=${onSelectEvent} />
      <//>
      <${Fact} term="Activity" className="activity">
        <span class=${`activity-${status.activity}`}>${humanise(status.activity)}</span>
        <${Since} reference=${status.activitySince} onSelectEvent=${onSelectEvent} />
        ${status.activityReason ? markup`<p class="reason">${status.activityReason}</p>` : null}
      <//>
      ${
        status.venue
          ? markup`
          <${Fact} term="Venue" className="venue">
            ${status.venue.name}
            <${Since} reference=${status.venue.since} onSelectEvent=${onSelectEvent} />
          <//>
        `
          : null
      }
      <${Fact} term="Parties">${listOf(status.parties)}<//>
      ${status.mediators.length > 0 ? markup`<${Fact} term="Mediators">${listOf(status.mediators)}<//>` : null}
      <${Fact} term="Open issues">${status.openIssueCount}<//>
      ${
        status.lastDevelopment
          ? markup`
          <${Fact} term="Last development" className="last-development">
            <${EventLink} reference=${status.lastDevelopment} onSelectEvent=${onSelectEvent} />
            ${status.lastDevelopment.summary ? markup`<p>${status.lastDevelopment.summary}</p>` : null}
          <//>
        `
          : null
      }
    </dl>
    <${UncertainNote} uncertain=${status.uncertain} />
    <${Delegations} status=${status} onSelectEvent=${onSelectEvent} />
    ${
      status.latestProposal
        ? markup`<${LatestProposal} proposal=${status.latestProposal} onSelectEvent=${onSelectEvent} />`
        : null
    }
    <${Characterisations} characterisations=${status.characterisations} onSelectEvent=${onSelectEvent} />
    <${UpcomingTalks} talks=${status.upcomingTalks} onSelectEvent=${onSelectEvent} />
    <${NegotiationPanels} status=${status} onSelectEvent=${onSelectEvent} />
  `;
};
