import { stageCommand } from './stage.js';

export default stageCommand('release');
