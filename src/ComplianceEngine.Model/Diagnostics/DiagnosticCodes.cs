namespace ComplianceEngine.Model.Diagnostics;

/// <summary>
/// Stable diagnostic codes. Never renumber: scripts and documentation depend on them.
/// CE1xxx: reading files and YAML; CE2xxx: document shape; CE3xxx: references; CE4xxx: rules; CE5xxx: policy and waivers;
/// CE7xxx: reading the files users already have (Terraform plans, Kubernetes, Karmada, OCM, Velero, Fides, Istio).
/// </summary>
public static class DiagnosticCodes
{
    /// <summary>A path given on the command line does not exist.</summary>
    public const string FileNotFound = "CE1001";
    /// <summary>A file or folder could not be read (permissions, I/O).</summary>
    public const string FileUnreadable = "CE1002";
    /// <summary>A file is larger than the size cap (counted in bytes actually read).</summary>
    public const string FileTooLarge = "CE1003";
    /// <summary>An unknown command-line option or command (usage error, with "did you mean").</summary>
    public const string UnknownOption = "CE1030";
    /// <summary>The --output file's extension names a different format than --format, or no format at all.</summary>
    public const string OutputFormatMismatch = "CE1031";
    /// <summary>A report could not be written (a folder, no permission, a full disk, ...).</summary>
    public const string OutputUnwritable = "CE1032";
    /// <summary>A parameter of a check (fail-on, format, ...) is not one of its values.</summary>
    public const string InvalidParameter = "CE1033";
    /// <summary><c>--no-builtin-rules</c> without any <c>--rules</c> folder: no rules would be loaded.</summary>
    public const string NoRulesLeft = "CE1040";
    /// <summary><c>compliance init</c> would overwrite a file that exists.</summary>
    public const string InitWouldOverwrite = "CE1041";
    /// <summary>An input is not a regular file (a device, a named pipe, a socket); <c>-</c> reads standard input.</summary>
    public const string NotRegularFile = "CE1004";
    /// <summary>A file or folder reached a second time by another path (a symbolic link loop or repeat); read once (warning).</summary>
    public const string ReachedTwice = "CE1005";
    /// <summary>A file or folder name that is not valid UTF-8 or holds control characters.</summary>
    public const string BadFileName = "CE1007";
    /// <summary>An output that would replace an input, or is not a regular file or a new path.</summary>
    public const string OutputRefused = "CE1008";
    /// <summary>The YAML is not well formed.</summary>
    public const string YamlSyntax = "CE1010";
    /// <summary>Anchors and aliases are not accepted (alias bombs).</summary>
    public const string YamlAliasRejected = "CE1011";
    /// <summary>Explicit tags are not accepted.</summary>
    public const string YamlTagRejected = "CE1012";
    /// <summary>Nesting deeper than the cap.</summary>
    public const string YamlTooDeep = "CE1013";
    /// <summary>More YAML nodes in a file than the cap.</summary>
    public const string YamlTooManyNodes = "CE1014";
    /// <summary>The same key twice in one mapping.</summary>
    public const string YamlDuplicateKey = "CE1015";
    /// <summary>A file holds no document: empty, or only comments and '---' markers.</summary>
    public const string FileHoldsNoDocuments = "CE1016";
    /// <summary>A document is not a mapping, or has no apiVersion/kind.</summary>
    public const string NotADocument = "CE2001";
    /// <summary>apiVersion is not compliance/v1.</summary>
    public const string UnsupportedApiVersion = "CE2002";
    /// <summary>kind is not one the engine knows.</summary>
    public const string UnknownKind = "CE2003";
    /// <summary>A field the schema does not have.</summary>
    public const string UnknownField = "CE2004";
    /// <summary>A required field is missing.</summary>
    public const string MissingField = "CE2005";
    /// <summary>A value has the wrong type (a list where a string is expected, a word where a number is).</summary>
    public const string WrongType = "CE2006";
    /// <summary>A value is not one of the allowed ones, or out of range.</summary>
    public const string InvalidValue = "CE2007";
    /// <summary>Two documents of the same kind with the same name.</summary>
    public const string DuplicateName = "CE2008";
    /// <summary>No inventory documents were found in the given paths.</summary>
    public const string NoInputs = "CE2009";
    /// <summary>A reference to a document that does not exist.</summary>
    public const string DanglingReference = "CE3001";
    /// <summary>A reference to a document of the wrong kind.</summary>
    public const string WrongReferenceKind = "CE3002";
    /// <summary>A region the catalog does not know (evaluated as indeterminate).</summary>
    public const string UnknownRegion = "CE3003";
    /// <summary>A country code that is not ISO 3166-1 alpha-2 in the catalog.</summary>
    public const string UnknownCountry = "CE3004";
    /// <summary>A data category that is neither in the loaded taxonomy nor declared by a DataCategory document.</summary>
    public const string UnknownCategory = "CE3010";
    /// <summary>A deprecated data category or subject type (warning naming its replacement).</summary>
    public const string DeprecatedKey = "CE3011";
    /// <summary>A data subject type that is not in the loaded subject taxonomy.</summary>
    public const string UnknownSubjectType = "CE3012";
    /// <summary>A <c>subjects</c> code that is neither a regime code nor an ISO 3166-1 alpha-2 code of the catalog.</summary>
    public const string UnknownSubjectCode = "CE3013";
    /// <summary>A country field (Cluster, Recipient, Organization country, encryption.keyCountry) with a code the catalog does not have.</summary>
    public const string UnknownCountryCode = "CE3014";
    /// <summary>An estate attribute that no loaded rule pack declares for the document's kind.</summary>
    public const string UndeclaredAttribute = "CE3015";
    /// <summary>An estate attribute whose value does not have the declared type.</summary>
    public const string AttributeWrongType = "CE3016";
    /// <summary>A DataCategory document is invalid: a bad key, a parent that is not its prefix, or a parent that does not exist.</summary>
    public const string DataCategoryInvalid = "CE3017";
    /// <summary>A DataStore designation that no loaded rule compares <c>designations</c> with (a typo would silently drop the rule).</summary>
    public const string UnknownDesignation = "CE2050";
    /// <summary>A DataFlow or Organization mechanism that no loaded rule compares <c>mechanisms</c> with (a typo would count for nothing), with "did you mean".</summary>
    public const string UnknownMechanism = "CE2060";
    /// <summary>A Recipient or Organization certification that no loaded rule or adequacy condition reads, with "did you mean".</summary>
    public const string UnknownCertification = "CE2061";
    /// <summary>An imported value outside its own format's vocabulary (a fideslang <c>data_use</c> or <c>legal_basis_for_transfers</c>), with "did you mean".</summary>
    public const string SourceVocabularyUnknown = "CE2062";
    /// <summary>A Recipient or Cluster agreement that is neither an agreement kind of the loaded catalogs (<c>agreements.tsv</c>) nor a term a loaded rule reads, with "did you mean".</summary>
    public const string UnknownAgreement = "CE2064";
    /// <summary>A name given on the command line (<c>explain</c>'s target) that matches no finding, with "did you mean" from the estate's names and the findings.</summary>
    public const string TargetMatchesNothing = "CE2063";
    /// <summary>The estate uses a vocabulary (categories, subject types, countries, designations) that no loaded rules folder provides.</summary>
    public const string VocabularyMissing = "CE3018";
    /// <summary>A Jurisdiction's <c>sensitiveCategories</c> names a category the loaded taxonomy does not have.</summary>
    public const string SensitiveCategoryUnknown = "CE3020";
    /// <summary>A note: a zone, display name or differently cased code was read as the catalog region it stands for.</summary>
    public const string RegionNormalised = "CE3005";
    /// <summary>A note: a multi-region or dual-region location; its data is judged in every country it spans.</summary>
    public const string MultiRegionLocation = "CE3006";
    /// <summary>A geo-redundant store whose paired region is unknown: its implied copy is judged indeterminate.</summary>
    public const string UnknownPairedRegion = "CE3007";
    /// <summary>A zone that may lie outside its parent region's country (AWS Local and Wavelength Zones).</summary>
    public const string ZoneOutsideRegion = "CE3008";
    /// <summary>A rule is invalid (FluentValidation of the rule model).</summary>
    public const string RuleInvalid = "CE4001";
    /// <summary>A rule refers to a field that does not exist for its fact kind.</summary>
    public const string RuleUnknownField = "CE4002";
    /// <summary>An operator cannot be used with the field's type, or its operand has the wrong type.</summary>
    public const string RuleBadOperator = "CE4003";
    /// <summary>Two rules with the same id.</summary>
    public const string RuleDuplicateId = "CE4004";
    /// <summary>A rule refers to a jurisdiction or country group that does not exist.</summary>
    public const string RuleUnknownJurisdiction = "CE4005";
    /// <summary>A message placeholder names an unknown field.</summary>
    public const string RuleBadPlaceholder = "CE4006";
    /// <summary>NRules rejected the compiled rule (no longer reported: NRules rules are built on the NRules runner's first use, and a failure there is an internal error naming the rule; the code stays reserved).</summary>
    public const string RuleCompilation = "CE4007";
    /// <summary>A catalog entry (country group, regime, adequacy) is invalid.</summary>
    public const string CatalogInvalid = "CE4008";
    /// <summary>A rule reads an attribute that no loaded rule pack declares (or declares for other kinds).</summary>
    public const string RuleUndeclaredAttribute = "CE4011";
    /// <summary>A rule pack's attribute declaration is invalid (type, kinds, or conflicting with another pack's).</summary>
    public const string AttributeDeclarationInvalid = "CE4012";
    /// <summary>A rule compares categories or subject types with a key the loaded taxonomy does not have.</summary>
    public const string RuleUnknownTaxonomyKey = "CE4013";
    /// <summary>A vocabulary file of a rules folder (data categories, subjects, country codes) is invalid.</summary>
    public const string VocabularyInvalid = "CE4014";
    /// <summary>A condition refers to a <c>List</c> that no loaded rules folder declares.</summary>
    public const string RuleUnknownList = "CE4020";
    /// <summary>A condition refers to a <c>Predicate</c> that no loaded rules folder declares (or that was never resolved).</summary>
    public const string RuleUnknownPredicate = "CE4021";
    /// <summary>Predicates refer to each other in a cycle, or a rule expands to too many conditions.</summary>
    public const string PredicateCycle = "CE4022";
    /// <summary>A <c>List</c> or <c>Predicate</c> document is invalid (no items, an item that is not a value, no condition).</summary>
    public const string NamedConditionInvalid = "CE4023";
    /// <summary>A rule's citations are not in force on some day of the rule's effective period (or a citation's period is invalid).</summary>
    public const string CitationPeriodInvalid = "CE4024";
    /// <summary>An estate's mechanism is qualified by a regime (<c>JP:contract</c>) that no loaded Jurisdiction declares.</summary>
    public const string MechanismQualifierUnknown = "CE4025";
    /// <summary>A policy or waiver is invalid.</summary>
    public const string PolicyInvalid = "CE5001";
    /// <summary>A waiver has expired.</summary>
    public const string WaiverExpired = "CE5002";
    /// <summary>A waiver matched no finding.</summary>
    public const string WaiverUnused = "CE5003";
    /// <summary>A waiver's term is longer than the policy allows.</summary>
    public const string WaiverTooLong = "CE5004";
    /// <summary>A waiver names a rule that is not loaded.</summary>
    public const string WaiverUnknownRule = "CE5005";
    /// <summary>A baseline file could not be read.</summary>
    public const string BaselineInvalid = "CE5006";
    /// <summary>A policy names a rule pack that is not loaded.</summary>
    public const string PolicyUnknownPack = "CE5007";
    /// <summary>A baseline was made under other rules than the run's (its <c>ruleSetVersion</c> differs): warning.</summary>
    public const string BaselineOtherRuleSet = "CE5010";
    /// <summary>A baseline says nothing of the rules it was made under (a report written before the field existed): note.</summary>
    public const string BaselineWithoutRuleSet = "CE5011";
    /// <summary>A scenario test case is malformed.</summary>
    public const string TestCaseInvalid = "CE6001";
    /// <summary>A scenario expects a rule or jurisdiction that is not loaded (its pack is not among the rules folders), with the folder to load.</summary>
    public const string TestRulesNotLoaded = "CE6050";
    /// <summary>A scenario folder holds both <c>case.yaml</c> and <c>case.yml</c>: which is the case is not guessed.</summary>
    public const string ScenarioCaseFileTwice = "CE6051";
    /// <summary>An unexpected exception inside the tool (a bug): reported with a crash file, exit code 70.</summary>
    public const string InternalError = "CE9001";
    /// <summary>A document looks like a source (a Kubernetes object, a JSON file) of a type the engine does not read; it is ignored.</summary>
    public const string SourceNotRead = "CE7001";
    /// <summary>A source file is malformed where its reader needs it (a Terraform plan without resource_changes, a Node without metadata).</summary>
    public const string SourceMalformed = "CE7002";
    /// <summary>A source resource lacks what its reader needs (a value unknown until apply, no region): the fact is indeterminate.</summary>
    public const string SourceValueUnknown = "CE7003";
    /// <summary>A source resource is deleted by a Terraform plan: the facts it held (a replica, a transfer) go away.</summary>
    public const string SourceDeleted = "CE7004";
    /// <summary>An ImportMapping document is invalid.</summary>
    public const string ImportMappingInvalid = "CE7005";
    /// <summary>A source references something that is not in the inputs (a replication destination bucket, a Velero location).</summary>
    public const string SourceDanglingReference = "CE7006";
    /// <summary>Two sources produce the same document name; the later one is renamed.</summary>
    public const string SourceDuplicateName = "CE7007";
    /// <summary>A Policy document came in an API request, where it cannot apply (policies are the server's).</summary>
    public const string RequestPolicyNotApplied = "CE8001";
    /// <summary>A request body is larger than the server accepts.</summary>
    public const string RequestTooLarge = "CE8002";
    /// <summary>Changed rule or policy files failed to load or compile; the last good rule set keeps serving.</summary>
    public const string RuleReloadFailed = "CE8003";
    /// <summary>The server was asked to listen beyond loopback without API keys.</summary>
    public const string ServeNotLoopback = "CE8004";
    /// <summary>A server setting is invalid (data folder, limits, watched folder).</summary>
    public const string ServeInvalidOption = "CE8005";
    /// <summary>An API key name or scope is invalid, or the key is unknown.</summary>
    public const string KeyInvalid = "CE8006";
    /// <summary>The server's limits do not fit together: a body the body cap accepts would need more memory than the evaluation budget (start-up).</summary>
    public const string ServeLimitsInconsistent = "CE8020";
    /// <summary>A request body would need more memory to evaluate than the server's whole evaluation budget (413).</summary>
    public const string RequestOverMemoryBudget = "CE8021";
    /// <summary>The PostgreSQL history connection string (<c>ComplianceEngine:Serve:PostgreSql</c>) is malformed.</summary>
    public const string HistoryConnectionInvalid = "CE8010";
    /// <summary>The history store cannot be opened on start (database unreachable, tables cannot be created).</summary>
    public const string HistoryUnavailable = "CE8011";
    /// <summary>Two sources describe the same cluster in different places (provider, region or country): an error, and the location is unknown until they agree.</summary>
    public const string SourceConflict = "CE7008";
    /// <summary>A second source describes a cluster already imported and adds location facts the first did not give (warning).</summary>
    public const string SourceMerged = "CE7009";
    /// <summary>
    /// A source selector the reader cannot decide for an object (an expression it cannot evaluate, labels not among the
    /// inputs, a setting held outside them, a Velero filter item whose scope the inputs do not show): the object is kept,
    /// over-included, never silently dropped (warning).
    /// </summary>
    public const string SourceSelectorUndecided = "CE2065";
    /// <summary>A Velero Schedule or setting under which Velero makes no copy: workloads its label selector leaves out, resource filters that take no pods, claims or volumes (or no claims or volumes: no snapshots), a paused schedule, volume snapshots off or replaced by file-system backup (note; warning when earlier copies are kept).</summary>
    public const string SourceCopyNotMade = "CE2066";
    /// <summary>A Karmada policy that matches a workload but loses to one of higher precedence (note), or a cluster a placement selects whose taint the policy does not tolerate, left out as the scheduler leaves it out (warning: a workload placed before the taint stays).</summary>
    public const string SourcePlacementNotApplied = "CE2067";
    /// <summary>An Istio ServiceEntry whose <c>workloadSelector</c> makes its endpoints in-mesh workloads, not the hosts it names (warning).</summary>
    public const string SourceEndpointsSelected = "CE2068";
    /// <summary>A Terraform resource's region comes from an expression the plan does not resolve (a local, a data source, the environment, a function): the fact is indeterminate (warning).</summary>
    public const string SourceRegionUnresolved = "CE2069";
    /// <summary>A Terraform resource type the plan reader neither reads nor knows to hold no data, named with each address and position (warning): nothing of it is judged.</summary>
    public const string SourceResourceTypeUnknown = "CE2070";
    /// <summary>A Velero backup's <c>snapshotMoveData</c>: Velero's data mover uploads CSI snapshot data to the storage location (note); another mover sends it where the inputs do not say, indeterminate (warning).</summary>
    public const string SourceDataMoved = "CE2071";
    /// <summary>A Karmada setting read as not narrowing or changing the placement (spreadConstraints choosing among the selected clusters by count, an OverridePolicy: note), or an OverridePolicy changing the compliance-engine.io labels or annotations, which are not applied (warning).</summary>
    public const string SourceSettingNotApplied = "CE2072";
    /// <summary>An Istio Sidecar's egress hosts do not import a ServiceEntry host a workload's flow goes to; Istio documents that this does not block the traffic, so the flow is kept (note).</summary>
    public const string SourceEgressNotRestricted = "CE2073";
    /// <summary>An imported workload manifest without <c>metadata.namespace</c>, read as in namespace <c>default</c> (warning): the selectors of its real namespace would miss it.</summary>
    public const string SourceNamespaceAssumed = "CE2074";
    /// <summary>A Terraform plan or state JSON whose <c>format_version</c> has a major version the reader does not know (error): nothing of it is imported.</summary>
    public const string SourceFormatVersionUnsupported = "CE2075";
    /// <summary>A deposed object in a Terraform state (left by create_before_destroy): it exists until the next apply destroys it, and is not imported beside the current object (warning).</summary>
    public const string SourceDeposedObject = "CE2076";
    /// <summary>A source that holds nothing to import (an empty Terraform state, an empty List or manifest), so nothing of it is judged (warning).</summary>
    public const string SourceEmpty = "CE2077";
    /// <summary>A status value the reader does not know (a Velero Backup or Schedule <c>status.phase</c>): the object is read as doing what its spec says (warning).</summary>
    public const string SourceStatusUnknown = "CE2078";
    /// <summary>Istio egress under <c>REGISTRY_ONLY</c>: a workload's proxy not configured for a ServiceEntry host (exportTo, Sidecar egress) drops the calls, and the flow is not imported (note); flows kept where no proxy is known to apply, or where a revision, a revision tag or its mesh configuration is not among the inputs (note); mesh configurations of one revision that disagree, or a tag whose webhook configurations name no or different revisions, so nothing of it is narrowed (warning).</summary>
    public const string SourceEgressNarrowed = "CE2079";
}
