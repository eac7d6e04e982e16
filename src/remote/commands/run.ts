import { DEPLOY_DIR, type HostStep } from './step.js';

/** `run`: pull the images, start the stack and wait until every service with a health check is healthy. */
export function runSteps(options: { waitSeconds?: number } = {}): HostStep[] {
  const wait = options.waitSeconds ?? 300;
  return [
    { id: 'pull-images', title: 'Pull the images', commands: [`cd ${DEPLOY_DIR} && docker compose pull --quiet`] },
    {
      id: 'start-stack',
      title: 'Start the stack and wait until it is healthy',
      commands: [`cd ${DEPLOY_DIR} && docker compose up --detach --remove-orphans --wait --wait-timeout ${wait}`],
    },
    { id: 'show-stack', title: 'Show the running services', commands: [`cd ${DEPLOY_DIR} && docker compose ps`] },
  ];
}
