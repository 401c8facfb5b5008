/**
 * The answers of the first screen's calls that came with the page's first token (browser
 * host, #20). A call asked while that exchange is under way, with no input, takes the
 * answer to its operation once: it was computed after the call was asked, as fresh as the
 * call's own round trip. A second call of the same operation, a call with input, and any
 * call asked after the exchange go out as always.
 */
export function firstAnswers<Answer>() {
  const answers = new Map<string, Answer>();
  let exchanging = true;
  return {
    /** At the moment a call is asked: what to ask once the exchange is over (its answer, or undefined: go out). */
    asked(operation: string, input: unknown): () => Answer | undefined {
      if (!exchanging || !noInput(input)) return () => undefined;
      return () => {
        const answer = answers.get(operation);
        answers.delete(operation);
        return answer;
      };
    },
    /** The exchange is over, with these answers: the calls waiting on it take theirs, then the rest go. */
    settle(received: Record<string, Answer>): void {
      for (const [operation, answer] of Object.entries(received)) answers.set(operation, answer);
      exchanging = false;
      setTimeout(() => answers.clear(), 0);
    },
  };
}

function noInput(input: unknown): boolean {
  return input === undefined || (typeof input === 'object' && input !== null && Object.keys(input).length === 0);
}
