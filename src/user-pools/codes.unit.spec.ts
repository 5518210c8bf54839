import { DEFAULT_MESSAGE_TEMPLATES } from './pool-settings.js';
import { codeMessage, invitationMessage } from './codes.js';

describe('messages in the words of the pool templates', () => {
  test("without templates, Cognito's default words", () => {
    expect(codeMessage(DEFAULT_MESSAGE_TEMPLATES, 'EMAIL', '123456')).toEqual({
      subject: 'Your verification code',
      body: 'Your verification code is 123456. ',
    });
    expect(invitationMessage(DEFAULT_MESSAGE_TEMPLATES, 'SMS', 'ann', 'Pa$$word1')).toEqual({
      subject: 'Your temporary password',
      body: 'Your username is ann and temporary password is Pa$$word1',
    });
  });
  test('a template fills every placeholder; $ in a password stays literal', () => {
    const templates = {
      verification: { defaultEmailOption: 'CONFIRM_WITH_CODE' as const, emailSubject: 'Hi', emailMessage: '{####} is {####}', smsMessage: 'SMS {####}' },
      invitation: { smsMessage: '{username}: {####}' },
    };
    expect(codeMessage(templates, 'EMAIL', '123456')).toEqual({ subject: 'Hi', body: '123456 is 123456' });
    expect(codeMessage(templates, 'SMS', '123456').body).toBe('SMS 123456');
    expect(invitationMessage(templates, 'SMS', 'ann', "$&$'x").body).toBe("ann: $&$'x");
  });
});
