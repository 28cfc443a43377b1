// Tagged templates over preact: components without a JSX build step. The tag is called `markup`, not
// `html`, so that prettier leaves the templates alone: its HTML reflow moves a space to the end of a
// line, and htm drops whitespace that contains a line break ("in Doha" would become "inDoha").
import { h } from 'preact';
import htm from 'htm';

export const markup = htm.bind(h);
