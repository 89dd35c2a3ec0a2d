// The CLI reports paths relative to the working directory, and ExplainCommandTests sets it (process-wide) so golden
// files hold repository-relative paths: the CLI tests run one at a time so no test sees another's directory.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
