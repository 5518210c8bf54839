import { CompromisedPasswordCheck } from './password-check.js';
import { DescribeRiskConfigurationHandler, RiskConfigurations, SetRiskConfigurationHandler } from './risk.use-cases.js';

/** Threat protection's configurations, the password check on sign-up and changes, and the two handlers. */
export const RISK_PROVIDERS = [RiskConfigurations, CompromisedPasswordCheck, SetRiskConfigurationHandler, DescribeRiskConfigurationHandler];
