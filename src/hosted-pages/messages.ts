/** The hosted pages' words, in English and German; the browser's Accept-Language picks one. */
const en = {
  signInTitle: 'Sign in',
  signInLead: 'Sign in with your username and password',
  username: 'Username',
  email: 'Email',
  password: 'Password',
  signIn: 'Sign in',
  forgot: 'Forgot your password?',
  noAccount: 'Need an account?',
  signUp: 'Sign up',
  signUpTitle: 'Sign up',
  signUpLead: 'Create an account',
  haveAccount: 'Already have an account?',
  confirmTitle: 'Confirm your account',
  confirmLead: 'We have sent a code to you. Enter it below to confirm your account.',
  code: 'Verification code',
  confirm: 'Confirm account',
  resend: 'Send a new code',
  resent: 'A new code is on its way.',
  forgotTitle: 'Forgot your password?',
  forgotLead: 'Enter your username and we will send you a code to reset your password.',
  resetPassword: 'Reset my password',
  confirmForgotTitle: 'Reset your password',
  confirmForgotLead: 'We have sent a code to you. Enter it and choose a new password.',
  newPassword: 'New password',
  changePassword: 'Change password',
  newPasswordTitle: 'Change your password',
  newPasswordLead: 'Please choose a new password to continue.',
  mfaTitle: 'Verify it is you',
  mfaLead: 'Enter the code we sent you or your authenticator app shows.',
  verify: 'Verify',
  confirmed: 'Your account is confirmed. Sign in to continue.',
  linkConfirmed: 'Your registration has been confirmed!',
  linkConfirmedLead: 'You can close this page and sign in to the application.',
  reset: 'Your password has been reset. Sign in with the new one.',
  signedUp: 'Your account is ready. Sign in to continue.',
  errorTitle: 'Something went wrong',
  back: 'Back to sign in',
  'error.credentials': 'Incorrect username or password.',
  'error.noUser': 'User does not exist.',
  'error.userExists': 'An account with the given username already exists.',
  'error.password': 'The password does not meet the requirements: ',
  'error.code': 'Invalid verification code provided, please try again.',
  'error.expiredCode': 'The code has expired. Request a new one.',
  'error.limit': 'Attempt limit exceeded, please try after some time.',
  'error.disabled': 'Your account is disabled.',
  'error.input': 'Please check what you entered: ',
  'error.csrf': 'The form has expired. Please try again.',
  'error.session': 'Your sign-in session has expired. Please return to the application and start again.',
  'error.generic': 'Something went wrong. Please try again.',
  'error.loginOption': 'Login option is not available. Please try another one',
  federatedLead: 'Sign in with your corporate ID',
  continueWith: 'Continue with',
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

const de: Messages = {
  signInTitle: 'Anmelden',
  signInLead: 'Melden Sie sich mit Benutzername und Passwort an',
  username: 'Benutzername',
  email: 'E-Mail',
  password: 'Passwort',
  signIn: 'Anmelden',
  forgot: 'Passwort vergessen?',
  noAccount: 'Noch kein Konto?',
  signUp: 'Registrieren',
  signUpTitle: 'Registrieren',
  signUpLead: 'Ein Konto anlegen',
  haveAccount: 'Sie haben schon ein Konto?',
  confirmTitle: 'Konto bestätigen',
  confirmLead: 'Wir haben Ihnen einen Code geschickt. Geben Sie ihn ein, um Ihr Konto zu bestätigen.',
  code: 'Bestätigungscode',
  confirm: 'Konto bestätigen',
  resend: 'Neuen Code senden',
  resent: 'Ein neuer Code ist unterwegs.',
  forgotTitle: 'Passwort vergessen?',
  forgotLead: 'Geben Sie Ihren Benutzernamen ein; wir schicken Ihnen einen Code zum Zurücksetzen.',
  resetPassword: 'Passwort zurücksetzen',
  confirmForgotTitle: 'Passwort zurücksetzen',
  confirmForgotLead: 'Wir haben Ihnen einen Code geschickt. Geben Sie ihn ein und wählen Sie ein neues Passwort.',
  newPassword: 'Neues Passwort',
  changePassword: 'Passwort ändern',
  newPasswordTitle: 'Passwort ändern',
  newPasswordLead: 'Bitte wählen Sie ein neues Passwort, um fortzufahren.',
  mfaTitle: 'Bestätigen Sie, dass Sie es sind',
  mfaLead: 'Geben Sie den Code ein, den wir Ihnen geschickt haben oder den Ihre Authenticator-App zeigt.',
  verify: 'Bestätigen',
  confirmed: 'Ihr Konto ist bestätigt. Melden Sie sich an, um fortzufahren.',
  linkConfirmed: 'Ihre Registrierung ist bestätigt!',
  linkConfirmedLead: 'Sie können diese Seite schließen und sich in der Anwendung anmelden.',
  reset: 'Ihr Passwort wurde zurückgesetzt. Melden Sie sich mit dem neuen an.',
  signedUp: 'Ihr Konto ist bereit. Melden Sie sich an, um fortzufahren.',
  errorTitle: 'Etwas ist schiefgegangen',
  back: 'Zurück zur Anmeldung',
  'error.credentials': 'Benutzername oder Passwort ist falsch.',
  'error.noUser': 'Diesen Benutzer gibt es nicht.',
  'error.userExists': 'Ein Konto mit diesem Benutzernamen gibt es schon.',
  'error.password': 'Das Passwort erfüllt die Anforderungen nicht: ',
  'error.code': 'Der Bestätigungscode ist falsch. Bitte versuchen Sie es noch einmal.',
  'error.expiredCode': 'Der Code ist abgelaufen. Fordern Sie einen neuen an.',
  'error.limit': 'Zu viele Versuche. Bitte versuchen Sie es später noch einmal.',
  'error.disabled': 'Ihr Konto ist gesperrt.',
  'error.input': 'Bitte prüfen Sie Ihre Eingaben: ',
  'error.csrf': 'Das Formular ist abgelaufen. Bitte versuchen Sie es noch einmal.',
  'error.session': 'Ihre Anmeldesitzung ist abgelaufen. Kehren Sie zur Anwendung zurück und beginnen Sie neu.',
  'error.generic': 'Etwas ist schiefgegangen. Bitte versuchen Sie es noch einmal.',
  'error.loginOption': 'Diese Anmeldeoption ist nicht verfügbar. Bitte wählen Sie eine andere.',
  federatedLead: 'Melden Sie sich mit Ihrer Unternehmens-ID an',
  continueWith: 'Weiter mit',
};

const LANGUAGES: Record<string, Messages> = { en, de };

/** The best language of Accept-Language (`de-CH;q=0.9, en;q=0.8`) among those the pages speak; English otherwise. */
export function pickLanguage(acceptLanguage: string | undefined): { lang: string; t: Messages } {
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { lang: tag.toLowerCase().split('-')[0], q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((x) => x.lang && Number.isFinite(x.q) && x.q > 0)
    .sort((a, b) => b.q - a.q);
  const lang = wanted.find((x) => Object.hasOwn(LANGUAGES, x.lang))?.lang ?? 'en';
  return { lang, t: LANGUAGES[lang] };
}
