import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { adminAuth, call, startApp } from '../support/app.js';
import { eventually } from '../support/wait.js';

/** A real SMTP server on loopback (smtp-server), receiving what the service sends through nodemailer. */
async function startSmtp(): Promise<{ port: number; mails: Array<{ to: string; subject: string; text: string }>; close: () => Promise<void> }> {
  const mails: Array<{ to: string; subject: string; text: string }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const to = Array.isArray(mail.to) ? mail.to[0]?.text : mail.to?.text;
          mails.push({ to: to ?? '', subject: mail.subject ?? '', text: mail.text ?? '' });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('email delivery through SMTP', () => {
  test('the sign-up code arrives by email (not in the dev outbox) and confirms the user', async () => {
    const smtp = await startSmtp();
    const app = await startApp('pglite', { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'auth@cairn.test' });
    try {
      const poolId = (await call(app.url, 'POST', '/v1/user-pools', { name: 'mail', autoVerifiedAttributes: ['email'] }, { authorization: adminAuth })).body
        .poolId;
      const r = await call(app.url, 'POST', `/v1/user-pools/${poolId}/sign-up`, {
        username: 'mia',
        password: 'Correct-Horse-9',
        attributes: { email: 'mia@mail.test' },
      });
      expect(r.status).toBe(201);
      const mail = await eventually(() => smtp.mails.find((m) => m.to === 'mia@mail.test'), 10_000, 'the email');
      const code = /(\d{6})/.exec(mail.text)?.[1];
      expect(code).toBeDefined();
      const outbox = await call(app.url, 'GET', `/v1/admin/outbox?poolId=${poolId}`, undefined, { authorization: adminAuth });
      expect(outbox.body.messages).toEqual([]);
      const ok = await call(app.url, 'POST', `/v1/user-pools/${poolId}/confirm-sign-up`, { username: 'mia', code });
      expect(ok.status).toBe(200);
    } finally {
      await app.destroy();
      await smtp.close();
    }
  });
});
