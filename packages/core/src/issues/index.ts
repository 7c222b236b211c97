export {
  formatPath,
  type Issue,
  issue,
  issuesFromZod,
  parseWith,
  type SafeResult,
  safeParseWith,
  ValidationError,
} from './issues.js';
