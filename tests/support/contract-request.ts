import supertest from 'supertest';
import { checkContract } from './contract';

type App = Parameters<typeof supertest>[0];
type Agent = ReturnType<typeof supertest>;
const VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

/**
 * supertest, with every answer also held to the OpenAPI document (see contract.ts). API tests import this in
 * place of supertest; a request the contract does not allow fails the test that sent it.
 */
const request = (app: App): Agent => {
  const agent = supertest(app);
  const checked = Object.create(agent) as Agent;
  for (const verb of VERBS) {
    const send = (url: string): supertest.Test => agent[verb](url);
    (checked as unknown as Record<string, unknown>)[verb] = (url: string) =>
      send(url).expect((res: supertest.Response) =>
        checkContract(verb, url, {
          status: res.status,
          headers: res.headers,
          body: res.body,
        }),
      );
  }
  return checked;
};

export default request;
