/**
 * The training report beside every model version: one self-contained HTML file (charts as inline
 * SVG, no scripts, nothing fetched) drawn from the artifact's manifest alone.
 */
package dev.transformerlambda.report;
