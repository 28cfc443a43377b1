// The issues still open on the selected date: who raised them, each party's latest position, what they block.
import { markup } from './markup.js';
import { Since } from './panel.js';
import { EventLink } from './references.js';
import { stateLabel, toneOf } from './states.js';
import { idAsWords, listOf } from './words.js';

const Position = ({ entry, onSelectEvent }) => markup`
  <li>
    <strong>${entry.party}</strong>
    ${`: ${entry.position}`}
    <${EventLink} reference=${entry.evidence} onSelectEvent=${onSelectEvent} />
  </li>
`;

const Issue = ({ issue, phaseNames, onSelectEvent }) => {
  const title = issue.title ?? idAsWords(issue.issueId);
  const latestNarrowing = issue.narrowings[issue.narrowings.length - 1];
  return markup`
    <li class="issue">
      <h3 title=${issue.issueId}>${title}</h3>
      <p class="issue-state">
        <span class=${`state state-${issue.state} tone-${toneOf(issue.state)}`}>${stateLabel(issue.state)}</span>
        <${Since} reference=${issue.stateSince} onSelectEvent=${onSelectEvent} />
        ${issue.raisedBy ? `; raised by ${issue.raisedBy}` : ''}
        ${issue.blocks.length > 0 ? `; blocks ${listOf(issue.blocks.map((id) => phaseNames?.get(id) ?? idAsWords(id)))}` : ''}
      </p>
      ${issue.description ? markup`<p class="details-text">${issue.description}</p>` : null}
      ${
        issue.positionList.length > 0
          ? markup`
          <ul class="positions" aria-label=${`Positions on ${title}`}>
            ${issue.positionList.map(
              (entry) =>
                markup`<${Position} key=${entry.party} entry=${entry} onSelectEvent=${onSelectEvent} />`,
            )}
          </ul>
        `
          : null
      }
      ${
        latestNarrowing
          ? markup`
          <p class="narrowing">
            ${`Narrowed: ${latestNarrowing.description}`}
            <${EventLink} reference=${latestNarrowing.evidence} onSelectEvent=${onSelectEvent} />
          </p>
        `
          : null
      }
    </li>
  `;
};

/** Whatever states the API counts, in its order. */
const countsText = (counts) =>
  Object.entries(counts)
    .map(([state, count]) => `${count} ${stateLabel(state)}`)
    .join(', ');

/**
 * @param {{ issues: Partial<import('./api.js').IssuesAnswer>, phaseNames?: Map<string, string | undefined>, onSelectEvent: (eventId: string) => void }} props
 */
export const IssuesSummary = ({ issues, phaseNames, onSelectEvent }) => markup`
  <p class="counts">${countsText(issues.counts)}</p>
  ${
    issues.issues.length === 0
      ? markup`<p class="empty">No open issue.</p>`
      : markup`
      <ul class="issues">
        ${issues.issues.map(
          (issue) =>
            markup`<${Issue} key=${issue.issueId} issue=${issue} phaseNames=${phaseNames} onSelectEvent=${onSelectEvent} />`,
        )}
      </ul>
    `
  }
`;
