# A plain HCL root module using the generated Terraform modules: a network, an ECS cluster on it, an
# internal load balancer in front of the cluster, a service behind the load balancer, and static
# public IPs (one per zone) whose edge proxy forwards to the load balancer.
# The modules configure no provider: this root module does, for real AWS or a local emulator.

terraform {
  required_version = ">= 1.9.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.25.0, < 7.0.0"
    }
  }
}

variable "region" {
  description = "Region of the provider; the network's zones are <region>a and <region>b."
  type        = string
  default     = "eu-west-2"
}

variable "environment" {
  description = "Environment name: the network's name, the cluster's name prefix, a default tag."
  type        = string
  default     = "dev"
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC."
  type        = string
  default     = "10.42.0.0/16"
}

variable "certificate_arn" {
  description = "ACM certificate (ARN, in var.region) of the load balancer's HTTPS listener."
  type        = string
}

variable "aws_endpoint" {
  description = "null for real AWS (credentials from the usual chain); the local emulator's URL, e.g. http://127.0.0.1:4566, for local AWS."
  type        = string
  default     = null
}

locals {
  local_aws = var.aws_endpoint != null
}

provider "aws" {
  region = var.region

  # Local AWS only (each setting is null, i.e. the provider's default, for real AWS): dummy
  # credentials, no account or metadata lookups, every service the modules use at the emulator,
  # as stacks/aws-provider.ts configures the local target.
  access_key                  = local.local_aws ? "test" : null
  secret_key                  = local.local_aws ? "test" : null
  skip_credentials_validation = local.local_aws ? true : null
  skip_metadata_api_check     = local.local_aws ? "true" : null
  skip_region_validation      = local.local_aws ? true : null
  s3_use_path_style           = local.local_aws ? true : null
  # S3 Control prefixes the account id to the endpoint's host; the emulator, as HTTP proxy, still
  # gets those requests (loopback requests never use a proxy). See docs/testing.md.
  http_proxy  = local.local_aws ? var.aws_endpoint : null
  https_proxy = local.local_aws ? "" : null

  endpoints {
    applicationautoscaling = var.aws_endpoint
    autoscaling            = var.aws_endpoint
    cloudwatch             = var.aws_endpoint
    cloudwatchlogs         = var.aws_endpoint
    ec2                    = var.aws_endpoint
    ecr                    = var.aws_endpoint
    ecs                    = var.aws_endpoint
    elbv2                  = var.aws_endpoint
    events                 = var.aws_endpoint
    iam                    = var.aws_endpoint
    kms                    = var.aws_endpoint
    lambda                 = var.aws_endpoint
    route53                = var.aws_endpoint
    s3                     = var.aws_endpoint
    s3control              = var.aws_endpoint
    secretsmanager         = var.aws_endpoint
    sqs                    = var.aws_endpoint
    ssm                    = var.aws_endpoint
    sts                    = var.aws_endpoint
  }

  default_tags {
    tags = {
      Project     = "ecs-cdktf"
      Environment = var.environment
    }
  }
}

module "network" {
  source = "../../dist/terraform/terraform-aws-network"

  name                    = var.environment
  cidr_block              = var.vpc_cidr
  availability_zones      = ["${var.region}a", "${var.region}b"]
  zone_name               = "${var.environment}.myorg.local"
  flow_log_retention_days = 30
  tags                    = { Team = "platform" }
}

module "cluster" {
  source = "../../dist/terraform/terraform-aws-ecs-cluster"

  cluster_name       = "${var.environment}-apps"
  vpc_id             = module.network.vpc_id
  private_subnet_ids = module.network.private_subnet_ids
  host_dns_user_data = module.network.host_dns_user_data
  instance_type      = "t3.medium"
  min_size           = 1
  max_size           = 3
  # The static IPs' edge groups join the cluster's one capacity provider association.
  extra_capacity_provider_names = module.static_ip.edge_capacity_provider_names
}

module "alb" {
  source = "../../dist/terraform/terraform-aws-alb"

  name = "${var.environment}-web"
  # Internal, behind the static IPs: clients reach it through the edge proxy.
  internal                  = true
  ingress_cidrs             = [var.vpc_cidr]
  certificate_arn           = var.certificate_arn
  vpc_id                    = module.network.vpc_id
  public_subnet_ids         = module.network.public_subnet_ids
  private_subnet_ids        = module.network.private_subnet_ids
  cluster_security_group_id = module.cluster.security_group_id
  deletion_protection       = var.environment == "prod"
  tags                      = { Team = "platform" }
}

module "web" {
  source = "../../dist/terraform/terraform-aws-ecs-service"

  service_name = "web"
  # nginx writes its cache and pid file under /var: this image needs a writable root filesystem.
  image                    = "public.ecr.aws/docker/library/nginx:1.27"
  readonly_root_filesystem = false
  container_port           = 80
  health_check_path        = "/"
  rule_priority            = 100
  path_patterns            = ["/*"]
  cluster_name             = module.cluster.service_cluster_name
  cluster_arn              = module.cluster.cluster_arn
  capacity_provider_name   = module.cluster.capacity_provider_name
  vpc_id                   = module.alb.vpc_id
  listener_arn             = module.alb.https_listener_arn
  tags                     = { Team = "platform" }
}

# A second service with a blue/green deployment: a new revision takes requests carrying
# X-Test-Traffic: true (the test rule, before the service's own) before production traffic moves.
module "api" {
  source = "../../dist/terraform/terraform-aws-ecs-service-blue-green"

  service_name             = "api"
  image                    = "public.ecr.aws/docker/library/nginx:1.27"
  readonly_root_filesystem = false
  container_port           = 80
  health_check_path        = "/"
  rule_priority            = 50
  path_patterns            = ["/api/*"]
  test_rule_priority       = 40
  bake_time_minutes        = 15
  deployment_alarm_names   = ["api-5xx"]
  cluster_name             = module.cluster.service_cluster_name
  cluster_arn              = module.cluster.cluster_arn
  capacity_provider_name   = module.cluster.capacity_provider_name
  vpc_id                   = module.alb.vpc_id
  listener_arn             = module.alb.https_listener_arn
  tags                     = { Team = "platform" }
}

module "static_ip" {
  source = "../../dist/terraform/terraform-aws-static-ip"

  name                     = "${var.environment}-static-ip"
  availability_zones       = module.network.availability_zones
  vpc_id                   = module.network.vpc_id
  public_subnet_ids_by_az  = module.network.public_subnet_ids_by_az
  private_subnet_ids_by_az = module.network.private_subnet_ids_by_az
  vpc_resolver_address     = module.network.vpc_resolver_address
  host_dns_user_data       = module.network.host_dns_user_data
  # cluster_name, not service_cluster_name: the edge groups come before the association.
  cluster_name                    = module.cluster.cluster_name
  cluster_arn                     = module.cluster.cluster_arn
  service_cluster_name            = module.cluster.service_cluster_name
  cluster_security_group_id       = module.cluster.security_group_id
  instance_profile_arn            = module.cluster.instance_profile_arn
  load_balancer_dns_name          = module.alb.dns_name
  load_balancer_security_group_id = module.alb.security_group_id
  load_balancer_internal          = module.alb.internal
}

# ECS Anywhere: machines outside AWS join the cluster with the registration command.
module "ecs_anywhere" {
  source = "../../dist/terraform/terraform-aws-ecs-anywhere"

  cluster_name       = module.cluster.cluster_name
  cluster_arn        = module.cluster.cluster_arn
  registration_limit = 3
}

output "vpc_id" {
  description = "Id of the VPC."
  value       = module.network.vpc_id
}

output "private_subnet_ids" {
  description = "Private subnets, in zone order."
  value       = module.network.private_subnet_ids
}

output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = module.cluster.cluster_name
}

output "security_group_id" {
  description = "Security group of the container instances."
  value       = module.cluster.security_group_id
}

output "url" {
  description = "The load balancer's HTTPS address (inside the VPC)."
  value       = "https://${module.alb.dns_name}"
}

output "static_ips" {
  description = "The public entry points, by zone: HTTP and HTTPS through the edge proxy."
  value       = module.static_ip.public_ips
}

output "web_service_name" {
  description = "Name of the web service."
  value       = module.web.service_name
}

output "registration_command" {
  description = "Registers one external machine in the cluster (holds the activation code)."
  value       = module.ecs_anywhere.registration_command
  # The module's output is sensitive: Terraform refuses this one otherwise.
  sensitive = true
}
