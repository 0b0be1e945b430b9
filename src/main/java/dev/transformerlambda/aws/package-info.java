/** AWS SDK clients, built once, pointed at AWS or at a local S3-compatible server. */
package dev.transformerlambda.aws;
