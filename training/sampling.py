"""The noise schedule and a DPM-Solver++(2M) sampler with classifier-free guidance, for measuring the PyTorch
model before (or beside) the C# pipeline. Mirrors diffusers' DPMSolverMultistepScheduler (algorithm_type
"dpmsolver++", solver_order 2, midpoint, timestep_spacing "linspace", lower_order_final, final sigma 0)."""

import torch

TRAIN_STEPS = 1000


def alphas_cumprod():
    # scaled_linear: betas = linspace(sqrt(0.00085), sqrt(0.012), 1000) ** 2, as SD 1.x.
    betas = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, TRAIN_STEPS, dtype=torch.float64) ** 2
    return torch.cumprod(1 - betas, dim=0)


@torch.no_grad()
def dpmpp_2m(unet, cond, uncond, noise, steps=25, guidance=3.0):
    """cond, uncond: [B, 77, D] text states; noise: [B, 4, h, w]. Returns the denoised latents (scaled)."""
    ac = alphas_cumprod()
    timesteps = torch.linspace(0, TRAIN_STEPS - 1, steps + 1).round().long().flip(0)[:-1]
    x = noise.double()
    previous_x0, previous_lambda = None, None
    context = torch.cat([uncond, cond])
    for i, t in enumerate(timesteps):
        alpha_t, sigma_t = ac[t].sqrt(), (1 - ac[t]).sqrt()
        model_in = torch.cat([x, x]).float()
        eps_uncond, eps_cond = unet(model_in, t.repeat(model_in.shape[0]).float(), context).double().chunk(2)
        eps = eps_uncond + guidance * (eps_cond - eps_uncond)
        x0 = (x - sigma_t * eps) / alpha_t
        lambda_t = torch.log(alpha_t / sigma_t)
        if i == steps - 1:
            x = x0  # final sigma 0: the first-order step lands on the data prediction
            break
        s = timesteps[i + 1]
        alpha_s, sigma_s = ac[s].sqrt(), (1 - ac[s]).sqrt()
        lambda_s = torch.log(alpha_s / sigma_s)
        h = lambda_s - lambda_t
        d = x0
        if previous_x0 is not None:
            r = (lambda_t - previous_lambda) / h
            d = x0 + 0.5 * (x0 - previous_x0) / r
        x = (sigma_s / sigma_t) * x - alpha_s * torch.expm1(-h) * d
        previous_x0, previous_lambda = x0, lambda_t
    return x.float()
