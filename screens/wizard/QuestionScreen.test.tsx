import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { questionById } from '../../questionnaire/questions.js';
import { KEY, press, waitFor } from '../testing.js';
import { testContext } from './fixtures.js';
import { QuestionScreen } from './QuestionScreen.js';

function show(id: string, fallback: string | number | undefined, onAnswer = vi.fn()) {
  const instance = render(
    <QuestionScreen question={questionById(id)} answers={{ name: 'demo' }} context={testContext()} fallback={fallback} position={3} total={20} onAnswer={onAnswer} onBack={() => undefined} />,
  );
  return { instance, onAnswer };
}

describe('QuestionScreen', () => {
  it('shows the progress, the question and its help', () => {
    const frame = show('ssh_port', 22).instance.lastFrame() ?? '';
    expect(frame).toContain('question 3 of 20');
    expect(frame).toContain('SSH port');
    expect(frame).toContain('The port sshd listens on.');
  });

  it('a number question gives a number, and refuses what the schema refuses', async () => {
    const { instance, onAnswer } = show('ssh_port', 22);
    await press(instance, '70000', KEY.enter);
    expect(await waitFor(instance, '✗')).toContain('between 1 and 65535');
    expect(onAnswer).not.toHaveBeenCalled();
    await press(instance, KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace, '2222', KEY.enter);
    expect(onAnswer).toHaveBeenCalledWith(2222);
  });

  it('a required question without a default refuses an empty answer', async () => {
    const { instance, onAnswer } = show('https_email', undefined);
    await press(instance, KEY.enter);
    expect(await waitFor(instance, '✗')).toContain('is not an email address');
    expect(onAnswer).not.toHaveBeenCalled();
  });

  it('a port list with a port given twice is refused at its question, naming the port', async () => {
    const { instance, onAnswer } = show('udp_ports', '6969');
    await press(instance, '6969,6969', KEY.enter);
    expect(await waitFor(instance, '✗')).toContain('port 6969 is given twice');
    expect(onAnswer).not.toHaveBeenCalled();
    await press(instance, KEY.backspace, '8', KEY.enter);
    expect(onAnswer).toHaveBeenCalledWith('6969,6968');
  });
});
