// How the API's identifiers read in prose.

/** "may-31-proposal" → "May 31 proposal": an id as words; the id itself goes in a title. */
export const idAsWords = (id) => {
  const words = String(id)
    .replace(/[-_.]+/g, ' ')
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** "DelegationRecalled" → "Delegation recalled" */
export const typeLabel = (type) => type.replace(/(?<=[a-z])[A-Z]/g, (capital) => ` ${capital.toLowerCase()}`);

/** "durationMinutes" → "duration minutes", "amendments-requested" → "amendments requested" */
export const humanise = (key) =>
  key
    .replace(/(?<=[a-z])(?=[A-Z])/g, ' ')
    .replace(/-/g, ' ')
    .toLowerCase();

/** "Israel, Hamas and Qatar" */
export const listOf = (items) =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

/** Who said it, as the outlet put it: a named person with their role, or the anonymous descriptor. */
export const describeAttribution = (attribution) => {
  // "Israel (Israel)" says nothing more than "Israel".
  const affiliation =
    attribution.affiliation && attribution.affiliation !== attribution.name
      ? ` (${attribution.affiliation})`
      : '';
  switch (attribution.kind) {
    case 'named':
      return `${attribution.name}${attribution.role ? `, ${attribution.role}` : ''}${affiliation}`;
    case 'anonymous':
      return `${attribution.descriptor ?? 'unnamed source'}${affiliation}`;
    case 'institution':
      return `${attribution.name ?? 'an institution'}${affiliation}`;
    case 'outlet':
      return attribution.name ?? 'the outlet';
    default:
      return attribution.name ?? attribution.descriptor ?? attribution.kind;
  }
};

/** The same speaker is often cited by several sources of one event: name each once. */
export const distinctAttributions = (attributions) => [...new Set(attributions.map(describeAttribution))];
