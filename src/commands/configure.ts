import { stageCommand } from './stage.js';

export default stageCommand('configure');
