import { redactedUrl } from '../../src/api/hardening';

describe('what the request log keeps of a URL', () => {
  it('redacts the value of any parameter whose name looks like a credential, however it is spelt', () => {
    const names = [
      'token',
      'access_token',
      'api_token',
      'bearer',
      'x-api-key',
      'X-Api-Key',
      'jwt',
      'session',
      'session_id',
      'access-token',
      'accessToken',
      'token%00',
      'to%6Ben',
      'password',
      'client_secret',
      'sig',
    ];
    for (const name of names)
      expect({ name, logged: redactedUrl(`/negotiations/x/status?asOf=2024-07-05&${name}=s3cret`) }).toEqual({
        name,
        logged: `/negotiations/x/status?asOf=2024-07-05&${name}=[Redacted]`,
      });
  });

  it('splits parameters at ; as well as &', () => {
    expect(redactedUrl('/stream?a=1;token=s3cret')).toBe('/stream?a=1;token=[Redacted]');
  });

  it("redacts path segments that are credentials (this server's tokens, JWTs), and keeps ids and dates", () => {
    expect(redactedUrl('/negotiations/nt_0123456789abcdef/status')).toBe('/negotiations/[Redacted]/status');
    expect(redactedUrl('/x/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig')).toBe('/x/[Redacted]');
    const plain =
      '/negotiations/gaza-ceasefire-2024/events/0191f7a2-7c1e-7bb3-9d2c-3f1e5a6b7c8d?asOf=2024-07-05&knownAt=2025-01-01T00:00:00Z&include=certain&fromRevision=3&limit=10';
    expect(redactedUrl(plain)).toBe(plain);
  });
});
