using ComplianceEngine.Import.Mapping;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import.Terraform;

/// <summary>
/// What the reader makes of each resource type of a plan: read (a place, or what joins places), a data store it cannot
/// place (an indeterminate store, with a warning), a type listed here as holding no data (IAM, networking, keys,
/// sub-resources of a store that add no place: quiet), or unknown (named, with every address and position, in a warning).
/// A type is never skipped in silence.
/// </summary>
internal sealed partial class TerraformPlanReader
{
    /// <summary>The types the reader reads: places (clusters, stores) and what joins them (replication, global clusters, AWS Backup).</summary>
    private static readonly HashSet<string> ReadTypes =
    [
        "aws_eks_cluster", "azurerm_kubernetes_cluster", "google_container_cluster",
        "aws_s3_bucket", "azurerm_storage_account", "google_storage_bucket", "aws_db_instance", "aws_dynamodb_table", "aws_rds_cluster", "google_sql_database_instance",
        "azurerm_cosmosdb_account", "google_bigquery_dataset",
        "aws_s3_bucket_replication_configuration", "aws_rds_global_cluster", "aws_backup_plan", "aws_backup_selection",
    ];

    /// <summary>
    /// Types that hold or copy personal data and that this reader does not place (their replication, multi-region or
    /// copy semantics are not read): each is imported as a store of unknown location, so rules that need its country
    /// are indeterminate, and named in a warning. A vault an AWS Backup copy goes to is read as that copy's target.
    /// </summary>
    private static readonly HashSet<string> UnreadDataTypes =
    [
        "aws_backup_vault", "aws_efs_file_system", "aws_efs_replication_configuration", "aws_redshift_cluster", "aws_redshiftserverless_namespace",
        "aws_elasticache_replication_group", "aws_elasticache_cluster", "aws_memorydb_cluster", "aws_dax_cluster", "aws_docdb_cluster", "aws_docdbelastic_cluster",
        "aws_neptune_cluster", "aws_opensearch_domain", "aws_elasticsearch_domain", "aws_kinesis_stream", "aws_kinesis_firehose_delivery_stream",
        "aws_dynamodb_table_replica", "aws_dynamodb_global_table", "aws_ebs_volume", "aws_ebs_snapshot_copy", "aws_db_snapshot_copy", "aws_glacier_vault",
        "aws_fsx_lustre_file_system", "aws_fsx_windows_file_system", "aws_fsx_ontap_file_system", "aws_fsx_openzfs_file_system", "aws_keyspaces_keyspace",
        "aws_timestreamwrite_database", "aws_qldb_ledger",
        "azurerm_mssql_database", "azurerm_mssql_managed_instance", "azurerm_postgresql_flexible_server", "azurerm_postgresql_server", "azurerm_mysql_flexible_server",
        "azurerm_mysql_server", "azurerm_mariadb_server", "azurerm_cosmosdb_postgresql_cluster", "azurerm_redis_cache",
        "azurerm_managed_disk", "azurerm_synapse_workspace", "azurerm_kusto_cluster", "azurerm_data_lake_gen2_filesystem",
        "google_spanner_instance", "google_alloydb_cluster", "google_filestore_instance", "google_bigtable_instance",
        "google_firestore_database", "google_redis_instance", "google_compute_disk", "google_compute_region_disk",
    ];

    /// <summary>
    /// Types that hold no personal data and add no place: identity and access, networking, DNS, certificates, keys, node
    /// pools (compute of a cluster, in its region), settings of a bucket, database or vault that is read itself, and
    /// Terraform's own utility resources.
    /// </summary>
    private static readonly HashSet<string> NoDataTypes =
    [
        // AWS networking, DNS, certificates, keys, compute of a cluster
        "aws_vpc", "aws_subnet", "aws_security_group", "aws_security_group_rule", "aws_route", "aws_route_table", "aws_route_table_association",
        "aws_internet_gateway", "aws_egress_only_internet_gateway", "aws_nat_gateway", "aws_eip", "aws_network_acl", "aws_network_acl_rule",
        "aws_network_interface", "aws_default_security_group", "aws_default_route_table", "aws_default_network_acl", "aws_main_route_table_association",
        "aws_route53_zone", "aws_route53_record", "aws_acm_certificate", "aws_acm_certificate_validation", "aws_kms_key", "aws_kms_alias",
        "aws_launch_template", "aws_key_pair", "aws_eks_node_group", "aws_eks_addon", "aws_eks_access_entry", "aws_eks_access_policy_association",
        "aws_eks_fargate_profile", "aws_eks_identity_provider_config", "aws_eks_pod_identity_association",
        // settings of stores read themselves (their data stays where the store is)
        "aws_s3_bucket_versioning", "aws_s3_bucket_public_access_block", "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_policy",
        "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_ownership_controls", "aws_s3_bucket_acl", "aws_s3_bucket_cors_configuration",
        "aws_s3_bucket_object_lock_configuration", "aws_s3_bucket_accelerate_configuration", "aws_s3_bucket_request_payment_configuration",
        "aws_s3_bucket_website_configuration", "aws_s3_bucket_intelligent_tiering_configuration", "aws_s3_bucket_notification", "aws_s3_object",
        "aws_db_subnet_group", "aws_db_parameter_group", "aws_db_option_group", "aws_rds_cluster_parameter_group", "aws_rds_cluster_instance",
        "aws_dynamodb_table_item", "aws_backup_vault_policy", "aws_backup_vault_notifications", "aws_backup_vault_lock_configuration", "aws_backup_region_settings",
        // Azure
        "azurerm_resource_group", "azurerm_virtual_network", "azurerm_subnet", "azurerm_network_security_group", "azurerm_network_security_rule",
        "azurerm_subnet_network_security_group_association", "azurerm_public_ip", "azurerm_network_interface", "azurerm_private_endpoint",
        "azurerm_private_dns_zone", "azurerm_private_dns_zone_virtual_network_link", "azurerm_dns_zone", "azurerm_dns_a_record", "azurerm_dns_cname_record",
        "azurerm_role_assignment", "azurerm_role_definition", "azurerm_user_assigned_identity", "azurerm_kubernetes_cluster_node_pool",
        "azurerm_storage_container", "azurerm_storage_blob", "azurerm_storage_account_network_rules",
        // Google
        "google_service_account", "google_service_account_key", "google_compute_network", "google_compute_subnetwork", "google_compute_firewall",
        "google_compute_router", "google_compute_router_nat", "google_compute_address", "google_compute_global_address", "google_container_node_pool",
        "google_project_service", "google_kms_key_ring", "google_kms_crypto_key", "google_dns_managed_zone", "google_dns_record_set",
        "google_storage_bucket_object", "google_sql_database", "google_sql_user",
        // Terraform's own utility resources
        "null_resource", "terraform_data",
    ];

    /// <summary>Families of types that hold no data, by prefix: AWS IAM, and the random, time and TLS utility providers.</summary>
    private static readonly string[] NoDataPrefixes = ["aws_iam_", "random_", "time_", "tls_"];

    /// <summary>True when <paramref name="type"/> holds no data and adds no place (<see cref="NoDataTypes"/>, <see cref="NoDataPrefixes"/>, or an IAM binding of Google or Azure).</summary>
    private static bool HoldsNoData(string type) =>
        NoDataTypes.Contains(type) || NoDataPrefixes.Any(p => type.StartsWith(p, StringComparison.Ordinal))
        || (type.StartsWith("google_", StringComparison.Ordinal) && type.Contains("_iam_", StringComparison.Ordinal));

    /// <summary>Our provider for a resource type, by its prefix (Terraform names a resource type after its provider), else its provider_name.</summary>
    private static string ProviderOf(Change c) =>
        c.Type.StartsWith("aws_", StringComparison.Ordinal) ? "aws"
        : c.Type.StartsWith("azurerm_", StringComparison.Ordinal) ? "azure"
        : c.Type.StartsWith("google_", StringComparison.Ordinal) ? "gcp"
        : Regions.Provider(c.ProviderName) ?? "other";

    /// <summary>
    /// The resources no reader read: data stores of <see cref="UnreadDataTypes"/> become stores of unknown location
    /// (indeterminate) with a warning per type (CE7001); types neither read nor known to hold no data are named in a
    /// warning per type (CE2070). Each lists every address with its file:line:column.
    /// </summary>
    private void ReportUnread(List<Change> live)
    {
        var unread = live.Where(c => UnreadDataTypes.Contains(c.Type) && !_read.Contains(c.Address)).ToList();
        foreach (var group in unread.GroupBy(c => c.Type, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var list = group.ToList();
            Diagnostics.Warning(DiagnosticCodes.SourceNotRead,
                $"{group.Key} holds data, and the engine does not read where it rests or copies it: {Addresses(list)}; each is imported as a DataStore at the region an ImportMapping rule gives it, else of unknown location, so the rules that need its country are indeterminate. Give its region with an ImportMapping rule (match: {{address: ...}}, region), or describe it with a native DataStore document",
                list[0].Resource.Location);
            foreach (var c in list) UnplacedStore(c);
        }

        var unknown = live.Where(c => !ReadTypes.Contains(c.Type) && !UnreadDataTypes.Contains(c.Type) && !HoldsNoData(c.Type)).ToList();
        foreach (var group in unknown.GroupBy(c => c.Type, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var list = group.ToList();
            Diagnostics.Warning(DiagnosticCodes.SourceResourceTypeUnknown,
                $"{group.Key} is a resource type the engine neither reads nor knows to hold no data: {Addresses(list)}; if it holds or copies personal data, describe it with a native DataStore or DataFlow document, since nothing of it is judged",
                list[0].Resource.Location);
        }
    }

    private static string Addresses(List<Change> changes) => string.Join(", ", changes.Select(c => $"{c.Address} ({c.Resource.Location})"));

    /// <summary>A store for a data-holding resource the reader cannot place, named after its address: at the ImportMapping's region, else on the provider's unknown site.</summary>
    private void UnplacedStore(Change c)
    {
        var facts = Facts(c, c.Address);
        var provider = ProviderOf(c);
        var site = _session.Site(provider, facts.Region is { } r ? Normalise(provider, r.Value) : null, facts.Region?.At ?? c.Resource.Location, Name);
        var draft = _session.Store(c.Address, site, c.Resource.Location, facts, Name);
        draft.Label("compliance-engine.io/terraform-address", c.Address, c.Resource["address"].Location);
    }
}
