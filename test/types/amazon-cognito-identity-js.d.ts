// The client library's SRP internals, used as the reference the server side is tested against
// (the package ships types for its public classes only).
declare module 'amazon-cognito-identity-js/lib/AuthenticationHelper.js';
declare module 'amazon-cognito-identity-js/lib/BigInteger.js';
