/**
 * The command line for operators and the training job: one entry point, {@link
 * dev.transformerlambda.cli.Main}, with a subcommand per task.
 */
package dev.transformerlambda.cli;
