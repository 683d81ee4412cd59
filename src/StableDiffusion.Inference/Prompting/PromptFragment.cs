namespace StableDiffusion.Inference.Prompting;

/// <summary>A run of prompt text and the weight its brackets give it: one pair of A1111's <c>parse_prompt_attention</c>.</summary>
public readonly record struct PromptFragment(string Text, double Weight)
{
    /// <summary>A1111's marker for <c>BREAK</c>: the text "BREAK" with weight exactly -1 (sd_hijack_clip.py tokenize_line).</summary>
    public bool IsBreak => Text == PromptAttentionParser.BreakKeyword && Weight == -1;
}
