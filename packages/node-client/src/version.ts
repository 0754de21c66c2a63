/** The version of Tandem's clients (the agent and the technician's), as in the report; equal to the packages' version (version.test.ts). */
export const TANDEM_CLIENT_VERSION = '0.1.0';
