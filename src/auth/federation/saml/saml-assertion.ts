import { DOMParser } from '@xmldom/xmldom';
import { select } from 'xpath';

const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

const parse = (xml: string) => new DOMParser({ errorHandler: { warning: () => undefined } }).parseFromString(xml, 'text/xml');
const first = (expression: string, node: Node) => (select(expression, node) as Element[])[0];
const attribute = (element: Element | undefined, name: string) => element?.getAttribute(name) || undefined;

/** What a (still unverified) SAMLResponse says about itself: read only to pick the path (SP- or IdP-initiated) before verification. */
export interface ResponseEnvelope {
  inResponseTo?: string;
  destination?: string;
  issuer?: string;
}

export function readEnvelope(xml: string): ResponseEnvelope {
  const doc = parse(xml);
  const response = first(`/*[local-name()='Response' and namespace-uri()='${SAMLP}']`, doc);
  if (!response) return {};
  return {
    inResponseTo: attribute(response, 'InResponseTo'),
    destination: attribute(response, 'Destination'),
    issuer: first(`./*[local-name()='Issuer' and namespace-uri()='${SAML}']`, response)?.textContent?.trim() || undefined,
  };
}

/** The facts of a signature-verified assertion the checks below need. */
export interface AssertionFacts {
  id?: string;
  issuer?: string;
  issueInstant?: string;
  /** Bearer SubjectConfirmationData of the assertion's subject. */
  confirmations: { recipient?: string; inResponseTo?: string; notOnOrAfter?: string; notBefore?: string }[];
  conditionsNotOnOrAfter?: string;
  conditionsNotBefore?: string;
}

export function readAssertion(xml: string): AssertionFacts {
  const doc = parse(xml);
  const assertion = first(`/*[local-name()='Assertion' and namespace-uri()='${SAML}']`, doc);
  if (!assertion) return { confirmations: [] };
  const confirmations = (
    select(
      `./*[local-name()='Subject']/*[local-name()='SubjectConfirmation'][@Method='${BEARER}']/*[local-name()='SubjectConfirmationData']`,
      assertion,
    ) as Element[]
  ).map((data) => ({
    recipient: attribute(data, 'Recipient'),
    inResponseTo: attribute(data, 'InResponseTo'),
    notOnOrAfter: attribute(data, 'NotOnOrAfter'),
    notBefore: attribute(data, 'NotBefore'),
  }));
  return {
    id: attribute(assertion, 'ID'),
    issuer: first(`./*[local-name()='Issuer' and namespace-uri()='${SAML}']`, assertion)?.textContent?.trim() || undefined,
    issueInstant: attribute(assertion, 'IssueInstant'),
    confirmations,
    conditionsNotOnOrAfter: attribute(first(`./*[local-name()='Conditions']`, assertion), 'NotOnOrAfter'),
    conditionsNotBefore: attribute(first(`./*[local-name()='Conditions']`, assertion), 'NotBefore'),
  };
}

/** How an assertion arrived: in answer to our AuthnRequest (its ID), or unsolicited. */
export type Solicitation = { kind: 'SP'; requestId: string } | { kind: 'IDP' };

export interface AssertionRules {
  acsUrl: string;
  idpEntityId: string;
  solicitation: Solicitation;
  /** The service's clock (the injected Clock), not the wall clock: every time check below is against it. */
  nowMs: number;
  clockSkewMs: number;
  /** IdP-initiated assertions must have been issued within this long (Cognito: 6 minutes). */
  unsolicitedMaxAgeMs: number;
}

/**
 * The checks of SAML's Web Browser SSO profile (§4.1.4.3) that node-saml leaves to its caller,
 * on the verified assertion and the response's envelope: the Conditions' time window (node-saml's
 * own time checks read the wall clock, so they are off), issuer, Destination, a bearer
 * confirmation for our ACS URL that is still valid, InResponseTo bound to our request (or
 * absent when unsolicited), and the assertion's id for the replay guard. Pure: the reason of
 * the first failed check, or the assertion's id and expiry.
 */
export function checkAssertion(
  envelope: ResponseEnvelope,
  facts: AssertionFacts,
  rules: AssertionRules,
): { ok: false; reason: string } | { ok: true; assertionId: string; notOnOrAfter?: string } {
  const fail = (reason: string) => ({ ok: false as const, reason });
  if (!facts.id) return fail('the assertion has no ID');
  if (facts.issuer !== rules.idpEntityId) return fail('the assertion was issued by another entity than the identity provider');
  if (envelope.issuer !== undefined && envelope.issuer !== rules.idpEntityId)
    return fail('the response was issued by another entity than the identity provider');
  if (envelope.destination !== undefined && envelope.destination !== rules.acsUrl) return fail('the response is meant for another destination');
  const time = (value: string | undefined) => (value === undefined ? undefined : Date.parse(value));
  const conditionsNotBefore = time(facts.conditionsNotBefore);
  const conditionsNotOnOrAfter = time(facts.conditionsNotOnOrAfter);
  if (Number.isNaN(conditionsNotBefore) || Number.isNaN(conditionsNotOnOrAfter)) return fail('the assertion has an invalid time in its Conditions');
  if (conditionsNotBefore !== undefined && rules.nowMs + rules.clockSkewMs < conditionsNotBefore) return fail('the assertion is not valid yet');
  if (conditionsNotOnOrAfter !== undefined && rules.nowMs - rules.clockSkewMs >= conditionsNotOnOrAfter) return fail('the assertion has expired');
  const confirmation = facts.confirmations.find((c) => {
    const notOnOrAfter = time(c.notOnOrAfter);
    const notBefore = time(c.notBefore);
    return (
      c.recipient === rules.acsUrl &&
      notOnOrAfter !== undefined &&
      !Number.isNaN(notOnOrAfter) &&
      rules.nowMs - rules.clockSkewMs < notOnOrAfter &&
      (notBefore === undefined || rules.nowMs + rules.clockSkewMs >= notBefore)
    );
  });
  if (!confirmation) {
    if (facts.confirmations.some((c) => c.recipient === rules.acsUrl)) return fail('the assertion has expired');
    return fail('the assertion has no bearer confirmation for this recipient');
  }
  if (rules.solicitation.kind === 'SP') {
    if (envelope.inResponseTo !== rules.solicitation.requestId) return fail('the response does not answer this sign-in request (InResponseTo)');
    if (confirmation.inResponseTo !== undefined && confirmation.inResponseTo !== rules.solicitation.requestId)
      return fail('the assertion does not answer this sign-in request (InResponseTo)');
  } else {
    if (envelope.inResponseTo !== undefined || confirmation.inResponseTo !== undefined) return fail('an unsolicited response must not carry InResponseTo');
    const issued = time(facts.issueInstant);
    if (issued === undefined || Number.isNaN(issued) || rules.nowMs - rules.clockSkewMs > issued + rules.unsolicitedMaxAgeMs)
      return fail('the unsolicited assertion was issued too long ago');
  }
  const expiries = [confirmation.notOnOrAfter, facts.conditionsNotOnOrAfter]
    .filter((v): v is string => v !== undefined)
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  return { ok: true, assertionId: facts.id, notOnOrAfter: expiries[0] };
}
