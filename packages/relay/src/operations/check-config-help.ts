/** The help of `tandem-relay check-config`. */
export const CHECK_CONFIG_HELP = `Usage: tandem-relay check-config [--config FILE] [start's options]

Checks the configuration "tandem-relay start" would run with, from the
command line, the TANDEM_* environment and the config file (in that order of
precedence, then the defaults), without starting anything. Prints it as JSON,
each option with its value and where it came from (a database URL's password
masked); exits 0. A bad value, an unknown key or a value of the wrong type is
one line on stderr naming it, with TANDEM_ERR_CONFIG_INVALID, and exit code 2.
`;
